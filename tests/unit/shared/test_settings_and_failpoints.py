import os
import signal

import pytest
from pydantic import ValidationError

from shared import failpoints
from shared.settings import LOCAL_KAFKA, LOCAL_POSTGRES, PlatformSettings, ServiceSettings

pytestmark = pytest.mark.unit


def test_service_variables_are_prefixed_and_beat_the_defaults(monkeypatch):
    for var in ("PERCORSI_HOUSING_DATABASE", "PERCORSI_HOUSING_DATABASE_URL", "PERCORSI_EMPLOYMENT_HTTP_PORT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PERCORSI_HOUSING_HTTP_PORT", "9102")
    monkeypatch.setenv("PERCORSI_POSTGRES_DSN", "postgresql://u:p@db:5432/postgres")
    housing = ServiceSettings.for_service("housing", http_port=8002)
    employment = ServiceSettings.for_service("employment", http_port=8003)
    assert (housing.http_port, employment.http_port) == (9102, 8003)
    # The service connects as its own role (deploy/roles.py), never as the server's administrative user.
    assert housing.dsn == "postgresql://percorsi_housing@db:5432/percorsi_housing"
    monkeypatch.setenv("PERCORSI_HOUSING_DATABASE_PASSWORD", "s3cr:t")
    assert ServiceSettings.for_service("housing", http_port=8002).dsn == \
        "postgresql://percorsi_housing:s3cr%3At@db:5432/percorsi_housing"


def test_database_url_overrides_the_derived_dsn(monkeypatch):
    monkeypatch.setenv("PERCORSI_REPORTING_DATABASE_URL", "postgresql://r@elsewhere/reports")
    assert ServiceSettings.for_service("reporting", http_port=8004).dsn == "postgresql://r@elsewhere/reports"


@pytest.fixture
def no_servers_named(monkeypatch):
    for var in ("KAFKA_BOOTSTRAP_SERVERS", "PERCORSI_POSTGRES_DSN", "PERCORSI_HOUSING_DATABASE",
                "PERCORSI_HOUSING_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


@pytest.mark.parametrize("env", ["local", "test"])
def test_local_runs_and_tests_default_to_the_loopback_servers(no_servers_named, env):
    no_servers_named.setenv("PERCORSI_ENV", env)
    settings = PlatformSettings()
    assert (settings.kafka_bootstrap_servers, settings.postgres_dsn) == (LOCAL_KAFKA, LOCAL_POSTGRES)


@pytest.mark.parametrize("env", ["compose", "staging", "production"])
def test_elsewhere_both_servers_must_be_named(no_servers_named, env):
    no_servers_named.setenv("PERCORSI_ENV", env)
    with pytest.raises(ValidationError, match=f"KAFKA_BOOTSTRAP_SERVERS and PERCORSI_POSTGRES_DSN must be set "
                                              f"when PERCORSI_ENV='{env}'"):
        ServiceSettings.for_service("housing", http_port=8002)


def test_the_error_names_only_what_is_missing_and_an_empty_value_is_missing(no_servers_named):
    no_servers_named.setenv("PERCORSI_ENV", "production")
    no_servers_named.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    no_servers_named.setenv("PERCORSI_POSTGRES_DSN", "")
    with pytest.raises(ValidationError, match="Value error, PERCORSI_POSTGRES_DSN must be set") as raised:
        PlatformSettings()
    assert "KAFKA_BOOTSTRAP_SERVERS" not in str(raised.value)


def test_named_servers_are_accepted_in_production(no_servers_named):
    no_servers_named.setenv("PERCORSI_ENV", "production")
    no_servers_named.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    no_servers_named.setenv("PERCORSI_POSTGRES_DSN", "postgresql://u:p@db:5432/postgres")
    assert ServiceSettings.for_service("housing", http_port=8002).dsn == "postgresql://percorsi_housing@db:5432/percorsi_housing"


def test_a_service_with_its_own_database_url_needs_no_server_dsn(no_servers_named):
    no_servers_named.setenv("PERCORSI_ENV", "production")
    no_servers_named.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    no_servers_named.setenv("PERCORSI_HOUSING_DATABASE_URL", "postgresql://h@db/housing")
    assert ServiceSettings.for_service("housing", http_port=8002).dsn == "postgresql://h@db/housing"
    with pytest.raises(ValidationError, match="PERCORSI_POSTGRES_DSN must be set"):
        PlatformSettings()


def test_an_unknown_environment_is_refused(no_servers_named):
    no_servers_named.setenv("PERCORSI_ENV", "prod")
    with pytest.raises(ValidationError, match=r"PERCORSI_ENV\n  Input should be 'local', 'test', 'compose'"):
        PlatformSettings()


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
