#!/usr/bin/env bash
# Stops exactly the brokers test/env/up.sh started (by pid and node name) and removes their temp
# dir. Never touches brokers it did not start (the machine's own RabbitMQ, NATS, …).
# --keep-dir leaves the logs in place for a post-mortem.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ENV_JSON="$ROOT/.cache/test-env/env.json"
export PATH="$PATH:/usr/sbin"
[ -f "$ENV_JSON" ] || { echo "[test-env] nothing to stop"; exit 0; }

read -r DIR KPID NPID RNODE RPIDFILE RWRAP < <(node -e '
  const e = require(process.argv[1]);
  console.log(e.dir, e.kafka.pid, e.nats.pid, e.amqp.node, e.amqp.pidFile, e.amqp.pid);' "$ENV_JSON")

stop_pid() { # stop_pid <pid> <name>
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { echo "[test-env] stopped $2 (pid $pid)"; return 0; }; sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null && echo "[test-env] killed $2 (pid $pid) after 15 s"
}

# RabbitMQ: ask the node itself, then make sure its Erlang VM (pid file) is gone.
RPID=$(cat "$RPIDFILE" 2>/dev/null || true)
RABBITMQ_NODENAME="$RNODE" rabbitmqctl -n "$RNODE" -q stop >/dev/null 2>&1 || true
[ -n "$RPID" ] && stop_pid "$RPID" "RabbitMQ $RNODE"
stop_pid "$RWRAP" "RabbitMQ launcher"
stop_pid "$KPID" Kafka
stop_pid "$NPID" NATS

# PostgreSQL (added by up.sh's ensure_postgres): stopped by the postmaster's pid, and only when
# that pid still runs our data dir (a pid can be reused). SIGINT is its fast shutdown; SIGTERM
# would wait for every client to disconnect.
read -r PGPID PGDATA < <(node -e '
  const p = require(process.argv[1]).postgres || {};
  console.log(p.pid || 0, p.dataDir || "-");' "$ENV_JSON")
if [ "$PGPID" != 0 ] && kill -0 "$PGPID" 2>/dev/null && tr '\0' ' ' <"/proc/$PGPID/cmdline" 2>/dev/null | grep -qF -- "$PGDATA"; then
  kill -INT "$PGPID" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 "$PGPID" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$PGPID" 2>/dev/null; then kill -KILL "$PGPID" 2>/dev/null && echo "[test-env] killed PostgreSQL (pid $PGPID) after 15 s"; else echo "[test-env] stopped PostgreSQL (pid $PGPID)"; fi
fi

rm -f "$ENV_JSON"
if [ "${1:-}" != "--keep-dir" ] && [ -n "$DIR" ] && [[ "$DIR" == /tmp/sluice-test-env.* ]]; then rm -rf "$DIR"; fi
