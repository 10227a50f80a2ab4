"""OpenTelemetry traces and metrics, and JSON logs that carry the trace id.

One trace follows an event: the HTTP request's context is stored in the outbox row, the relay
continues it into Kafka headers, and each consumer continues it from there."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Mapping

from opentelemetry import context, metrics, propagate, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, MetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from pythonjsonlogger.json import JsonFormatter

_local_reader: InMemoryMetricReader | None = None


class _TraceIds(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        ctx = trace.get_current_span().get_span_context()
        record.trace_id = format(ctx.trace_id, "032x") if ctx.is_valid else None
        record.span_id = format(ctx.span_id, "016x") if ctx.is_valid else None
        return True


class KafkaLogGate(logging.Filter):
    """While Kafka is away, aiokafka logs an error per connection attempt: thousands per outage per
    service. The gate lets the first warning or error from the Kafka client through as one line
    saying Kafka is unreachable and drops the rest until `reachable()` (shared.runtime's watch) says
    it is back, which logs one more line: one line per change of state."""

    # Requests in flight when the broker returned still fail for a moment: not a new outage.
    SETTLE_S = 5.0

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self._quiet_until = 0.0

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING or not record.name.startswith(("aiokafka", "kafka")):
            return True
        if self.down or time.monotonic() < self._quiet_until:
            return False
        self.down = True
        record.msg, record.args = "Kafka unreachable (further client errors withheld until it is back): %s", (
            record.getMessage()[:300],)
        record.exc_info = record.exc_text = None
        return True

    def reachable(self) -> None:
        if self.down:
            self.down = False
            self._quiet_until = time.monotonic() + self.SETTLE_S
            logging.getLogger("shared.kafka").warning("Kafka reachable again")


KAFKA_LOG_GATE = KafkaLogGate()


def setup_logging(service: str, level: str = "INFO") -> None:
    """Structured JSON lines on stderr, each with service, trace_id and span_id."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(_TraceIds())
    handler.addFilter(KAFKA_LOG_GATE)
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}",
            style="{",
            rename_fields={"asctime": "ts", "levelname": "level", "name": "logger"},
            static_fields={"service": service},
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("aiokafka", "kafka", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    # asyncpg's pool warns with a traceback every second it cannot refill itself while PostgreSQL
    # is away; shared.outage and the relay's supervisor say it once per outage instead.
    logging.getLogger("asyncpg.pool").setLevel(max(logging.ERROR, root.level))


def setup_telemetry(service: str, otlp_endpoint: str | None) -> None:
    """Install tracer and meter providers; OTLP export only when an endpoint is configured."""
    global _local_reader
    if _local_reader is not None:
        return
    resource = Resource.create({"service.name": f"percorsi-{service}"})
    # With nowhere to export, spans are not recorded: their ids still travel (Kafka headers, log
    # lines) at a fraction of the cost of recording attributes nobody will read.
    tracer_provider = TracerProvider(resource=resource, sampler=None if otlp_endpoint else ALWAYS_OFF)
    tracer_provider.add_span_processor(RedactQueryStrings())
    readers: list[MetricReader] = [_local_reader := InMemoryMetricReader()]
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader

        tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    trace.set_tracer_provider(tracer_provider)
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=readers))


def spans_recorded() -> bool:
    """Whether spans started now are recorded for export; when not, only trace ids travel."""
    provider = trace.get_tracer_provider()
    return isinstance(provider, TracerProvider) and provider.sampler is not ALWAYS_OFF


class RedactQueryStrings(SpanProcessor):
    """Query strings carry what users search for (intake's `name`, `fiscal_code`, `purpose`): a span
    keeps their keys and never their values. FastAPI's native telemetry sets `url.query` as it
    starts the server span, so it is rewritten here, while the span still takes attributes; the
    full-URL attributes other instrumentations set at start are treated alike."""

    def on_start(self, span: Span, parent_context: context.Context | None = None) -> None:
        attributes = span.attributes or {}
        for key in _URL_ATTRIBUTES:
            value = attributes.get(key)
            if isinstance(value, str):
                span.set_attribute(key, redact_query(value, whole=key == "url.query"))


_URL_ATTRIBUTES = ("url.query", "url.full", "http.url", "http.target")


def redact_query(value: str, *, whole: bool) -> str:
    """`value` with each query parameter's value replaced; `whole` when `value` is the query itself."""
    head, sep, query = ("", "", value) if whole else value.partition("?")
    if not whole and not sep:
        return value
    pairs = [part.partition("=") for part in query.partition("#")[0].split("&") if part]
    # A part without "=" is all value ("?Amina"): nothing of it is kept.
    return head + sep + "&".join(f"{key}=REDACTED" if eq else "REDACTED" for key, eq, _ in pairs)


def metric_snapshot() -> dict[str, float]:
    """Current values of this process's metrics, summed over attributes, for /health."""
    if _local_reader is None:
        return {}
    data = _local_reader.get_metrics_data()
    out: dict[str, float] = {}
    for rm in data.resource_metrics if data else ():
        for sm in rm.scope_metrics:
            for metric in sm.metrics:
                points = getattr(metric.data, "data_points", ())
                out[metric.name] = sum(getattr(p, "value", 0) for p in points)
    return out


def tracer(name: str) -> trace.Tracer:
    return trace.get_tracer(name)


def meter(name: str) -> metrics.Meter:
    return metrics.get_meter(name)


def current_carrier() -> dict[str, str]:
    """The current trace context as W3C headers, e.g. {'traceparent': ...}."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from(carrier: Mapping[str, str]) -> context.Context:
    return propagate.extract(dict(carrier))


def kafka_headers(carrier: Mapping[str, str]) -> list[tuple[str, bytes]]:
    return [(k, v.encode()) for k, v in carrier.items()]


def carrier_from_kafka(headers: Iterable[tuple[str, bytes | None]]) -> dict[str, str]:
    return {k: v.decode(errors="replace") for k, v in headers if v is not None}
