#!/usr/bin/env bash
# Installs and starts the real servers Percorsi runs on, on loopback, in project-local folders:
#   Apache Kafka (KRaft, single node) resolved from Maven Central and run on the machine's JDK,
#   PostgreSQL from Debian's packages, in a private cluster.
# Usage: deploy/infra.sh install|start|stop|clean|status|env|venv|stop-postgres|start-postgres|stop-kafka|start-kafka
#   clean: stops the servers and removes their state: the state folder and, as root, the cluster's folder
#   env: the KAFKA_BOOTSTRAP_SERVERS and PERCORSI_POSTGRES_DSN of these servers, as NAME=value lines
#   venv: creates .venv with the machine's python3 (installing Debian's python3-venv when missing)
# Environment: PERCORSI_STATE (default .data), KAFKA_PORT (19092; its KRaft controller the next port), PG_PORT (15432),
#   PERCORSI_PG_HOME (as root: where the cluster lives, default /var/lib/percorsi/<hash of the state path>).
# When KAFKA_BOOTSTRAP_SERVERS or PERCORSI_POSTGRES_DSN is set, that server is the user's and is left alone.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${PERCORSI_STATE:-$ROOT/.data}
case "$STATE" in /*) ;; *) STATE=$ROOT/$STATE ;; esac
CACHE=${PERCORSI_CACHE:-$ROOT/.cache}
KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/deploy/kafka/pom.xml")
KAFKA_LIB=$CACHE/kafka/$KAFKA_VERSION/lib
KAFKA_PORT=${KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}  # moves with KAFKA_PORT
PG_PORT=${PG_PORT:-15432}
PG_MAJOR=${PG_MAJOR:-15}
KAFKA_DATA=$STATE/kafka
LOGS=$STATE/logs
# The services connect through this socket folder: cheaper than TCP on loopback.
PG_SOCKET_LINK=$STATE/pg-socket

is_root() { [ "$(id -u)" = 0 ]; }

# As root, initdb and postgres run as Debian's 'postgres' user, who cannot reach a project in a
# folder it may not traverse (root's home is drwx------). So the cluster's files, its socket and
# its log live in a folder of that user's own, one per state folder (named by a hash of its
# path, so two clones or a test session beside `make up` never share one); the state folder keeps
# a symlink to the socket folder, so every client still connects to <state>/pg-socket. `clean`
# removes that folder with the state. As any other user, all of it stays in the state folder.
if is_root; then
  PG_HOME=${PERCORSI_PG_HOME:-/var/lib/percorsi/$(printf '%s' "$STATE" | sha256sum | cut -c1-16)}
  PG_DATA=$PG_HOME/data
  PG_SOCKET_DIR=$PG_HOME/socket
  PG_LOG=$PG_HOME/postgres.log
else
  PG_HOME=
  PG_DATA=$STATE/postgres
  PG_SOCKET_DIR=$PG_SOCKET_LINK
  PG_LOG=$LOGS/postgres.log
fi

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }

pg_bin() {
  local d
  for d in /usr/lib/postgresql/"$PG_MAJOR"/bin /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && { echo "$d"; return; }
  done
  return 1
}

# initdb and postgres refuse to run as root: as root, the cluster belongs to Debian's 'postgres'
# system user (created by the package) and is run through runuser; otherwise as the caller.
# From /, since the caller's folder may be one that user cannot enter.
as_pg() { if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

apt_install() {
  is_root || die "missing $*: install them (sudo apt-get install $*) or run as root"
  log "installing $* from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

install_postgres() {
  [ -n "${PERCORSI_POSTGRES_DSN:-}" ] && return 0
  pg_bin >/dev/null || apt_install "postgresql-$PG_MAJOR" || apt_install postgresql
  pg_bin >/dev/null || die "PostgreSQL server binaries not found after install"
  # The Debian package starts its own cluster on 5432; Percorsi never uses it.
}

# Kafka 3.9 runs on Java 17 or newer here; an older `java` first on PATH fails later, obscurely.
check_java() {
  local version major
  version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  major=${version#1.}; major=${major%%.*}
  [[ "$major" =~ ^[0-9]+$ ]] && [ "$major" -ge 17 ] && return 0
  die "Kafka needs Java 17 or newer, but $(command -v java) is Java ${version:-of unknown version}: install \
openjdk-17-jre-headless (apt-get install openjdk-17-jre-headless) and put it first on PATH"
}

install_kafka() {
  [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ] && return 0
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  check_java
  [ -f "$KAFKA_LIB/kafka_2.13-$KAFKA_VERSION.jar" ] && return 0
  command -v mvn >/dev/null || apt_install maven
  log "resolving Apache Kafka $KAFKA_VERSION from Maven Central into $KAFKA_LIB"
  mkdir -p "$KAFKA_LIB.partial"
  mvn -B -q -f "$ROOT/deploy/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIB.partial" >&2
  rm -rf "$KAFKA_LIB" && mv "$KAFKA_LIB.partial" "$KAFKA_LIB"
}

wait_port() { # host port seconds what
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    sleep 0.1
  done
  die "$4 did not open $1:$2 within $3 s (logs in $LOGS)"
}

start_postgres() {
  [ -n "${PERCORSI_POSTGRES_DSN:-}" ] && { log "using PostgreSQL at PERCORSI_POSTGRES_DSN"; return 0; }
  local bin; bin=$(pg_bin)
  mkdir -p "$STATE" "$LOGS"
  if is_root; then
    stop_legacy_postgres
    mkdir -p "$(dirname "$PG_HOME")" "$PG_HOME" "$PG_SOCKET_DIR"
    chown postgres "$PG_HOME" "$PG_SOCKET_DIR"; chmod 700 "$PG_HOME"; chmod 755 "$PG_SOCKET_DIR"
    printf '%s\n' "$STATE" >"$PG_HOME/state-path"  # whose cluster this is, for a human cleaning up
    [ -L "$PG_SOCKET_LINK" ] || rm -rf "$PG_SOCKET_LINK"
    ln -sfn "$PG_SOCKET_DIR" "$PG_SOCKET_LINK"
    ln -sfn "$PG_LOG" "$LOGS/postgres.log"
  else
    mkdir -p "$PG_SOCKET_DIR"
  fi
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    log "creating PostgreSQL cluster in $PG_DATA"
    rm -rf "$PG_DATA"; mkdir -p "$PG_DATA"
    is_root && chown postgres "$PG_DATA"
    as_pg "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    cat >>"$PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
CONF
  fi
  if as_pg "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    # The same port and socket folder as the config, again on the command line, which wins: a cluster
    # whose state folder moved, or a PG_PORT changed since initdb, still listens where `env` says.
    as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -o "-p $PG_PORT -k $PG_SOCKET_DIR" -w -t 60 start >/dev/null
    log "PostgreSQL started on 127.0.0.1:$PG_PORT and $PG_SOCKET_DIR"
  fi
}

kafka_pid() { [ -f "$STATE/kafka.pid" ] && kill -0 "$(cat "$STATE/kafka.pid")" 2>/dev/null && cat "$STATE/kafka.pid"; }

start_kafka() {
  [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ] && { log "using Kafka at $KAFKA_BOOTSTRAP_SERVERS"; return 0; }
  mkdir -p "$KAFKA_DATA" "$LOGS"
  if kafka_pid >/dev/null; then log "Kafka already running on 127.0.0.1:$KAFKA_PORT"; return 0; fi
  local conf=$STATE/kafka-server.properties
  sed -e "s|@PORT@|$KAFKA_PORT|g; s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g; s|@DATA@|$KAFKA_DATA|g" \
    "$ROOT/deploy/kafka/server.properties.in" >"$conf"
  local java_opts=(-Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$ROOT/deploy/kafka/log4j.properties" "-Dkafka.logs.dir=$LOGS")
  if [ ! -f "$KAFKA_DATA/meta.properties" ]; then
    local cluster_id
    cluster_id=$(java -cp "$KAFKA_LIB/*" "${java_opts[@]}" kafka.tools.StorageTool random-uuid)
    java -cp "$KAFKA_LIB/*" "${java_opts[@]}" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$conf" >"$LOGS/kafka-format.log"
    log "formatted KRaft storage in $KAFKA_DATA"
  fi
  nohup java -cp "$KAFKA_LIB/*" "${java_opts[@]}" kafka.Kafka "$conf" >"$LOGS/kafka.out" 2>&1 &
  echo $! >"$STATE/kafka.pid"
  wait_port 127.0.0.1 "$KAFKA_PORT" 90 Kafka
  log "Kafka $KAFKA_VERSION started on 127.0.0.1:$KAFKA_PORT"
}

stop_kafka() {
  local pid; pid=$(kafka_pid) || { rm -f "$STATE/kafka.pid"; return 0; }
  kill "$pid"
  for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$STATE/kafka.pid"
  log "Kafka stopped"
}

stop_postgres() {
  [ -s "$PG_DATA/PG_VERSION" ] || return 0
  local bin; bin=$(pg_bin) || return 0
  if as_pg "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
    log "PostgreSQL stopped"
  fi
}

# A cluster an earlier version of this script kept in <state>/postgres, as root: stopped, so that
# the new one can take the port; its files stay until `make clean`.
stop_legacy_postgres() {
  local legacy=$STATE/postgres bin
  [ -s "$legacy/PG_VERSION" ] || return 0
  bin=$(pg_bin) || return 0
  if as_pg "$bin/pg_ctl" -D "$legacy" status >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl" -D "$legacy" -m fast -w stop >/dev/null && log "stopped the cluster in $legacy (an older layout)"
  fi
}

clean() {
  stop_kafka
  stop_postgres
  is_root && stop_legacy_postgres
  if [ -n "$PG_HOME" ]; then rm -rf "$PG_HOME"; rmdir "$(dirname "$PG_HOME")" 2>/dev/null || true; fi
  rm -rf "$STATE"
  log "removed ${PG_HOME:+$PG_HOME and }$STATE"
}

make_venv() {
  local venv=$ROOT/.venv
  [ -x "$venv/bin/python" ] && return 0
  # Debian's python3 ships venv's ensurepip apart, in python3-venv.
  python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
  rm -rf "$venv"  # what a failed attempt may have left
  python3 -m venv "$venv"
}

case "${1:-}" in
  install) install_postgres; install_kafka ;;
  venv) make_venv ;;
  start) install_postgres; install_kafka; start_postgres; start_kafka ;;
  stop) stop_kafka; stop_postgres ;;
  clean) clean ;;
  # One server alone, for the fault tests (tests/e2e/test_recovery.py).
  stop-postgres) stop_postgres ;;
  start-postgres) start_postgres ;;
  stop-kafka) stop_kafka ;;
  start-kafka) start_kafka ;;
  status)
    if kafka_pid >/dev/null; then echo "kafka: running (pid $(kafka_pid))"; else echo "kafka: stopped"; fi
    if [ -s "$PG_DATA/PG_VERSION" ] && as_pg "$(pg_bin)/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
      echo "postgres: running"; else echo "postgres: stopped"; fi ;;
  env)
    echo "KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$KAFKA_PORT}"
    echo "PERCORSI_POSTGRES_DSN=${PERCORSI_POSTGRES_DSN:-postgresql://postgres@/postgres?host=$PG_SOCKET_LINK&port=$PG_PORT}" ;;
  *) die "usage: $0 install|start|stop|clean|status|env|venv|stop-postgres|start-postgres|stop-kafka|start-kafka" ;;
esac
