import os
import signal

import pytest

from shared import failpoints
from shared.settings import ServiceSettings

pytestmark = pytest.mark.unit


def test_service_variables_are_prefixed_and_beat_the_defaults(monkeypatch):
    for var in ("PERCORSI_HOUSING_DATABASE", "PERCORSI_HOUSING_DATABASE_URL", "PERCORSI_EMPLOYMENT_HTTP_PORT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PERCORSI_HOUSING_HTTP_PORT", "9102")
    monkeypatch.setenv("PERCORSI_POSTGRES_DSN", "postgresql://u:p@db:5432/postgres")
    housing = ServiceSettings.for_service("housing", http_port=8002)
    employment = ServiceSettings.for_service("employment", http_port=8003)
    assert (housing.http_port, employment.http_port) == (9102, 8003)
    assert housing.dsn == "postgresql://u:p@db:5432/percorsi_housing"


def test_database_url_overrides_the_derived_dsn(monkeypatch):
    monkeypatch.setenv("PERCORSI_REPORTING_DATABASE_URL", "postgresql://r@elsewhere/reports")
    assert ServiceSettings.for_service("reporting", http_port=8004).dsn == "postgresql://r@elsewhere/reports"


def test_failpoint_is_inert_outside_local_and_test(monkeypatch):
    killed = []
    monkeypatch.setattr(os, "kill", lambda pid, sig: killed.append(sig))
    monkeypatch.setenv("PERCORSI_FAILPOINT", "relay.after_publish:1")
    monkeypatch.setenv("PERCORSI_ENV", "production")
    failpoints.hit("relay.after_publish")
    assert killed == []
    monkeypatch.setenv("PERCORSI_ENV", "test")
    failpoints._hits.clear()
    failpoints.hit("relay.after_publish")
    assert killed == [signal.SIGKILL]
