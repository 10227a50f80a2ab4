#!/usr/bin/env bash
# make run / up / down: the servers, the topics, databases and migrations, then the services.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=$ROOT/.venv/bin/python
export PYTHONPATH="$ROOT:$ROOT/services"
cd "$ROOT"
case "${1:-}" in
  run)
    deploy/infra.sh start
    trap 'deploy/infra.sh stop' EXIT
    "$PY" -m deploy.bootstrap
    "$PY" -m deploy.devstack run ;;
  up)
    deploy/infra.sh start
    "$PY" -m deploy.bootstrap
    "$PY" -m deploy.devstack up || { deploy/infra.sh stop; exit 1; } ;;
  down)
    "$PY" -m deploy.devstack down
    deploy/infra.sh stop ;;
  *) echo "usage: $0 run|up|down" >&2; exit 2 ;;
esac
