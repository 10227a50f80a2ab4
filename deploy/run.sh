#!/usr/bin/env bash
# make run / up / down: the servers, the topics, databases and migrations, then the services.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=$ROOT/.venv/bin/python
export PYTHONPATH="$ROOT:$ROOT/services"
cd "$ROOT"

# Where infra.sh's servers are (KAFKA_PORT, PG_PORT and PERCORSI_STATE move them), for the
# bootstrap and the services. Read after `infra.sh start`, which leaves alone a server named here.
export_servers() {
  local name value
  while IFS='=' read -r name value; do export "$name=$value"; done < <(deploy/infra.sh env)
}

case "${1:-}" in
  run)
    deploy/infra.sh start
    trap 'deploy/infra.sh stop' EXIT
    export_servers
    "$PY" -m deploy.bootstrap
    "$PY" -m deploy.devstack run ;;
  up)
    # A platform already up is left as it is: no server is started, migrated or stopped again.
    if "$PY" -m deploy.devstack is-up; then exit 0; fi
    deploy/infra.sh start
    export_servers
    # a failed migration or start stops the servers this call started, as `run`'s trap does
    "$PY" -m deploy.bootstrap || { deploy/infra.sh stop; exit 1; }
    "$PY" -m deploy.devstack up || { deploy/infra.sh stop; exit 1; } ;;
  down)
    # Stopping needs only the standard library: it works when .venv is missing too.
    if [ -x "$PY" ]; then "$PY" -m deploy.devstack down; else python3 -m deploy.devstack down; fi
    deploy/infra.sh stop ;;
  *) echo "usage: $0 run|up|down" >&2; exit 2 ;;
esac
