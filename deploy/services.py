"""The four services and their default HTTP ports. Standard library only: `make down` imports it
through deploy.devstack even when .venv is missing."""

SERVICES = {"intake": 8001, "housing": 8002, "employment": 8003, "reporting": 8004}
