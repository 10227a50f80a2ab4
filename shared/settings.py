"""Typed settings from the environment, shared by the four services."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.environment import DEV_ENVS, Environment

LOCAL_KAFKA = "127.0.0.1:19092"
# deploy/infra.sh's cluster, through its Unix socket in the project's state folder (TCP on
# 127.0.0.1:15432 works too, at a higher cost per round trip).
LOCAL_POSTGRES = (
    f"postgresql://postgres@/postgres?host={Path(__file__).resolve().parents[1] / '.data' / 'pg-socket'}&port=15432"
)


class PlatformSettings(BaseSettings):
    """What every process needs: where Kafka and PostgreSQL are, and how to observe it."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    env: Environment = Field("local", validation_alias="PERCORSI_ENV")
    kafka_bootstrap_servers: str = Field(LOCAL_KAFKA, validation_alias="KAFKA_BOOTSTRAP_SERVERS")
    postgres_dsn: str = Field(LOCAL_POSTGRES, validation_alias="PERCORSI_POSTGRES_DSN")
    otlp_endpoint: str | None = Field(None, validation_alias="OTEL_EXPORTER_OTLP_ENDPOINT")
    log_level: str = Field("INFO", validation_alias="PERCORSI_LOG_LEVEL")

    @model_validator(mode="after")
    def _servers_named_outside_dev(self) -> Self:
        """Outside local runs and tests, Kafka and PostgreSQL are named, never defaulted to loopback."""
        if self.env not in DEV_ENVS:
            missing = [var for name, var in self._servers_needed() if not self._explicit(name)]
            if missing:
                raise ValueError(
                    f"{' and '.join(missing)} must be set when PERCORSI_ENV={self.env!r}: "
                    "the loopback defaults are for local runs and tests only"
                )
        return self

    def _servers_needed(self) -> list[tuple[str, str]]:
        return [("kafka_bootstrap_servers", "KAFKA_BOOTSTRAP_SERVERS"), ("postgres_dsn", "PERCORSI_POSTGRES_DSN")]

    def _explicit(self, name: str) -> bool:
        return name in self.model_fields_set and bool(getattr(self, name))

    def database_dsn(self, database: str) -> str:
        """The server DSN pointed at one database."""
        parts = urlsplit(self.postgres_dsn)
        return urlunsplit(parts._replace(path="/" + database))


class ServiceSettings(PlatformSettings):
    """One service's settings; its own variables are prefixed, e.g. PERCORSI_INTAKE_HTTP_PORT."""

    service: str = "service"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    database: str = ""
    database_url: str | None = None
    # The role the service connects as (deploy/roles.py); its password where the server asks one.
    database_role: str = ""
    database_password: SecretStr | None = None
    pool_min_size: int = 2
    pool_max_size: int = 10
    relay_batch_size: int = Field(1000, ge=1, le=10_000)
    relay_idle_poll_s: float = Field(1.0, gt=0)
    relay_linger_ms: float = Field(10, ge=0, le=1000)  # after a wake-up, before the next batch is read
    outbox_keep_sent_hours: float = Field(168, ge=0)
    # /health says degraded when the oldest unpublished outbox row is older than this.
    relay_max_pending_age_s: float = Field(30, gt=0)
    # A restarted background loop (the relay above all) waits at most this long between attempts.
    restart_max_backoff_s: float = Field(1.0, gt=0, le=60)
    # Requests: bodies and headers over these sizes answer 413 and 431 (shared/limits.py).
    max_body_bytes: int = Field(256 * 1024, ge=1024)
    max_upload_bytes: int = Field(64 * 1024 * 1024, ge=1024, description="caseload files under /api/v1/imports")
    max_header_bytes: int = Field(16 * 1024, ge=1024)
    consumer_max_records: int = Field(1000, ge=1)
    # How long the subscriber waits for records when none are buffered. Under load it does not wait:
    # a batch is whatever the fetches brought (see fetch_min_bytes). When a wait ends empty,
    # FastStream's batch subscriber sleeps as long again before it looks, so an event that arrives
    # then waits up to this much more; the README's Benchmarks section says what 200 ms cost and why
    # 20 ms is cheap when idle.
    consumer_batch_timeout_ms: int = Field(20, ge=1)
    # The broker holds a fetch until this many bytes are ready or the wait is over: under load each
    # transaction and offset commit then carries tens of events instead of one, when idle an event
    # waits at most the wait.
    consumer_fetch_min_bytes: int = Field(64 * 1024, ge=1)
    consumer_fetch_max_wait_ms: int = Field(100, ge=0, le=5000)
    consumer_retries: int = Field(3, ge=0)
    # Longer than any redelivery can come late: a record whose tracking row is gone would act again.
    consumer_keep_processed_days: float = Field(30, gt=0)

    @classmethod
    def for_service(cls, service: str, *, http_port: int, **overrides: Any) -> Self:
        """Settings for `service`, reading PERCORSI_<SERVICE>_* for its own fields."""
        prefix = f"PERCORSI_{service.upper()}_"
        settings = cls(_env_prefix=prefix, **overrides)
        defaults = {"service": service, "http_port": http_port, "database": f"percorsi_{service}",
                    "database_role": f"percorsi_{service}"}
        unset = {k: v for k, v in defaults.items() if k not in settings.model_fields_set}
        return settings.model_copy(update=unset)

    def _servers_needed(self) -> list[tuple[str, str]]:
        needed = super()._servers_needed()
        return [n for n in needed if n[0] != "postgres_dsn"] if self.database_url else needed

    @property
    def dsn(self) -> str:
        """The DSN of this service's own database, as the service's own role (never the server's
        administrative user of PERCORSI_POSTGRES_DSN)."""
        if self.database_url:
            return self.database_url
        parts = urlsplit(self.database_dsn(self.database))
        host = parts.netloc.rpartition("@")[2]
        password = self.database_password.get_secret_value() if self.database_password else ""
        user = quote(self.database_role, safe="") + (":" + quote(password, safe="") if password else "")
        return urlunsplit(parts._replace(netloc=f"{user}@{host}" if self.database_role else parts.netloc))
