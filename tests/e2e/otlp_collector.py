"""A minimal OTLP/HTTP receiver for the end-to-end tests: what the services export when
OTEL_EXPORTER_OTLP_ENDPOINT points here."""

from __future__ import annotations

import gzip
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


class Collector:
    """Spans as (service, trace id, span name), each span's attributes as text, and metric names per
    service, as received."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, str, str]] = []
        self.span_attributes: list[tuple[str, str, dict[str, str]]] = []  # (service, span name, attributes)
        self.metrics: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                encoding = self.headers.get("Content-Encoding")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                collector._receive(self.path, body)
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.end_headers()

            def log_message(self, *_args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def _receive(self, path: str, body: bytes) -> None:
        with self._lock:
            if path == "/v1/traces":
                request = ExportTraceServiceRequest.FromString(body)
                for rs in request.resource_spans:
                    service = _service(rs.resource)
                    for ss in rs.scope_spans:
                        self.spans += [(service, span.trace_id.hex(), span.name) for span in ss.spans]
                        self.span_attributes += [(service, span.name, _attributes(span.attributes))
                                                 for span in ss.spans]
            elif path == "/v1/metrics":
                request = ExportMetricsServiceRequest.FromString(body)
                for rm in request.resource_metrics:
                    service = _service(rm.resource)
                    for sm in rm.scope_metrics:
                        self.metrics |= {(service, m.name) for m in sm.metrics}

    def spans_of(self, trace_id: str) -> set[tuple[str, str]]:
        with self._lock:
            return {(service, name) for service, trace, name in self.spans if trace == trace_id}

    def attributes_of(self, service: str, name: str) -> list[dict[str, str]]:
        with self._lock:
            return [attrs for s, n, attrs in self.span_attributes if (s, n) == (service, name)]

    def all_attribute_values(self) -> bytes:
        with self._lock:
            return "\n".join(v for _, _, attrs in self.span_attributes for v in attrs.values()).encode()

    def close(self) -> None:
        self._server.shutdown()


def _service(resource) -> str:
    return next((a.value.string_value for a in resource.attributes if a.key == "service.name"), "?")


def _attributes(attributes) -> dict[str, str]:
    return {a.key: str(getattr(a.value, a.value.WhichOneof("value") or "string_value")) for a in attributes}
