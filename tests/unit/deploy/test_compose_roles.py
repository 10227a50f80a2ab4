"""The compose file gives each service its own database role and the superuser's password to init alone."""

from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit
COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[3] / "deploy" / "docker-compose.yml").read_text())
SERVICES = ["intake", "housing", "employment", "reporting"]


def test_only_init_holds_the_server_dsn():
    holders = [name for name, svc in COMPOSE["services"].items()
               if "PERCORSI_POSTGRES_DSN" in (svc.get("environment") or {})]
    assert holders == ["init"]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_connects_as_its_own_role_to_its_own_database(service):
    env = COMPOSE["services"][service]["environment"]
    url = env[f"PERCORSI_{service.upper()}_DATABASE_URL"]
    assert url.startswith(f"postgresql://percorsi_{service}:") and url.endswith(f"/percorsi_{service}")
    assert f"PERCORSI_{service.upper()}_DATABASE_PASSWORD" in COMPOSE["services"]["init"]["environment"]
