#!/usr/bin/env bash
# Brings up the real brokers the integration tests talk to, on loopback, on free non-standard
# ports, in a temp dir: Apache Kafka 3.9 (KRaft, jars from Maven Central), NATS with JetStream,
# and RabbitMQ with AMQP 1.0. Idempotent: a second call finds the running set and says so.
# Installs what is missing (apt-get, Maven) and explains what it could not start and why.
# Writes .cache/test-env/env.json (endpoints and pids) for the tests; test/env/down.sh stops
# exactly the processes started here, by pid.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE="$ROOT/.cache/test-env"
ENV_JSON="$STATE/env.json"
KAFKA_LIBS="$ROOT/.cache/kafka/libs"
mkdir -p "$STATE"

log() { printf '[test-env] %s\n' "$*"; }
fail() { printf '[test-env] CANNOT START: %s\n' "$*" >&2; exit 1; }

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-; }

# Ports the kernel hands out are free now; asking for them all at once avoids handing out one twice.
free_ports() { node -e '
  const net = require("node:net");
  const n = Number(process.argv[1]); const servers = []; const ports = [];
  (async () => { for (let i = 0; i < n; i++) { const s = net.createServer(); await new Promise((r) => s.listen(0, "127.0.0.1", r)); servers.push(s); ports.push(s.address().port); }
    for (const s of servers) s.close(); console.log(ports.join(" ")); })();' "$1"; }

wait_for() { # wait_for <seconds> <description> <command...>; the command returns 2 for "died"
  local secs=$1 what=$2 rc; shift 2
  for _ in $(seq 1 $((secs * 4))); do
    "$@"; rc=$?
    [ $rc = 0 ] && return 0
    [ $rc = 2 ] && { printf '[test-env] %s exited while starting\n' "$what" >&2; return 1; }
    sleep 0.25
  done
  return 1
}

# --- PostgreSQL (the schema registry's store) ----------------------------------------------
# Its own server on a free port with its data in the env temp dir, never the machine's own
# PostgreSQL on 5432: initdb and pg_ctl from Debian's postgresql package, run as the postgres
# user when started by root (the server refuses to run as root). Added to env.json as
# "postgres"; a failure is reported as CANNOT START and recorded as postgres.error, so only the
# tests that need PostgreSQL fail, naming the reason. Called on a fresh start and when an
# already running environment lacks it (environments started before PostgreSQL was added).
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
record_postgres() { # record_postgres <json of the postgres entry>
  node -e '
    const fs = require("node:fs"); const [file, entry] = process.argv.slice(1);
    const env = JSON.parse(fs.readFileSync(file, "utf8")); env.postgres = JSON.parse(entry);
    fs.writeFileSync(file + ".tmp", JSON.stringify(env, null, 2) + "\n"); fs.renameSync(file + ".tmp", file);' "$ENV_JSON" "$1"
}
ensure_postgres() {
  # One at a time: two test runs starting together must not both start a server.
  exec 8>"$STATE/postgres.lock"
  flock 8
  local state pgpid pgport envdir
  state=$(node -e '
    const e = require(process.argv[1]); const p = e.postgres || {};
    console.log(e.dir, p.pid || 0, p.port || 0);' "$ENV_JSON") || { flock -u 8; return 1; }
  read -r envdir pgpid pgport <<<"$state"
  if [ "$pgpid" != 0 ] && alive "$pgpid" && port_open "$pgport"; then
    flock -u 8
    log "PostgreSQL already running: 127.0.0.1:$pgport (pid $pgpid)"
    return 0
  fi
  local bin
  bin=$(pg_bindir)
  if [ ! -x "$bin/initdb" ] && [ "$(id -u)" = 0 ]; then
    log "installing postgresql with apt-get"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 || true
    bin=$(pg_bindir)
  fi
  local pgdir="$envdir/postgres" why=""
  local as=()
  if [ "$(id -u)" = 0 ]; then as=("$(command -v runuser || echo /usr/sbin/runuser)" -u postgres --); fi
  if [ ! -x "$bin/initdb" ]; then
    why="no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
  elif [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    why="running as root and there is no postgres user to run the server as"
  else
    local port
    port=$(free_ports 1)
    rm -rf "$pgdir" && mkdir -p "$pgdir"
    chmod 755 "$envdir"
    [ "$(id -u)" = 0 ] && chown postgres: "$pgdir"
    if ! "${as[@]}" "$bin/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$pgdir/initdb.log" 2>&1 8>&-; then
      why="initdb failed: see $pgdir/initdb.log"
    elif ! "${as[@]}" "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$pgdir -c fsync=off -c wal_level=logical" \
        start >"$pgdir/pg_ctl.log" 2>&1 8>&-; then
      why="pg_ctl start failed: see $pgdir/pg_ctl.log and $pgdir/server.log"
    else
      pgpid=$(head -n1 "$pgdir/data/postmaster.pid" 2>/dev/null)
      if alive "$pgpid" && port_open "$port"; then
        record_postgres "{\"url\": \"postgres://postgres@127.0.0.1:$port/postgres\", \"port\": $port, \"pid\": $pgpid, \"dataDir\": \"$pgdir/data\", \"log\": \"$pgdir/server.log\"}"
        flock -u 8
        log "PostgreSQL $(basename "$(dirname "$bin")")         127.0.0.1:$port   pid $pgpid"
        return 0
      fi
      why="PostgreSQL did not open port $port: see $pgdir/server.log"
    fi
  fi
  record_postgres "{\"error\": $(node -e 'console.log(JSON.stringify(process.argv[1]))' "$why")}"
  flock -u 8
  printf '[test-env] CANNOT START: PostgreSQL: %s (only the tests that need PostgreSQL will fail)\n' "$why" >&2
  return 0
}

if [ -f "$ENV_JSON" ]; then
  read -r kpid npid rnode kport nport aport < <(node -e '
    const e = require(process.argv[1]);
    console.log(e.kafka.pid, e.nats.pid, e.amqp.node, e.kafka.port, e.nats.port, e.amqp.port);' "$ENV_JSON")
  if alive "$kpid" && alive "$npid" && port_open "$kport" && port_open "$nport" && port_open "$aport"; then
    log "already running: Kafka 127.0.0.1:$kport, NATS 127.0.0.1:$nport, AMQP 1.0 127.0.0.1:$aport ($ENV_JSON)"
    ensure_postgres
    exit 0
  fi
  log "a previous environment is stale; stopping what is left of it"
  bash "$ROOT/test/env/down.sh" >/dev/null 2>&1 || true
fi

apt_install() {
  log "installing $* with apt-get"
  if [ "$(id -u)" != 0 ]; then fail "$* is missing and installing it needs root (apt-get install $*)"; fi
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@") >/dev/null 2>&1 || fail "apt-get install $* failed"
}

command -v java >/dev/null || apt_install openjdk-17-jre-headless
command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || apt_install nats-server
command -v rabbitmq-server >/dev/null || [ -x /usr/sbin/rabbitmq-server ] || apt_install rabbitmq-server
export PATH="$PATH:/usr/sbin"

DIR=$(mktemp -d /tmp/sluice-test-env.XXXXXX)
read -r KPORT KCPORT NPORT APORT ADIST < <(free_ports 5)

# --- Kafka -------------------------------------------------------------------------------
if [ ! -f "$KAFKA_LIBS/.complete" ]; then
  command -v mvn >/dev/null || apt_install maven
  log "fetching Kafka 3.9.1 jars from Maven Central (cached in $KAFKA_LIBS)"
  rm -rf "$KAFKA_LIBS"
  mvn -q -f "$ROOT/test/env/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$KAFKA_LIBS" >"$DIR/mvn.log" 2>&1 || { cat "$DIR/mvn.log" >&2; fail "Maven could not fetch the Kafka jars"; }
  touch "$KAFKA_LIBS/.complete"
fi
mkdir -p "$DIR/kafka/data"
cat >"$DIR/kafka/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KCPORT
listeners=PLAINTEXT://127.0.0.1:$KPORT,CONTROLLER://127.0.0.1:$KCPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KPORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$DIR/kafka/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.flush.interval.messages=1
EOF
cat >"$DIR/kafka/log4j.properties" <<EOF
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$DIR/kafka/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
EOF
CP="$KAFKA_LIBS/*"
UUID=$(java -cp "$CP" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)
[ -n "$UUID" ] || fail "Kafka's StorageTool did not run (java -cp '$CP' kafka.tools.StorageTool)"
java -cp "$CP" kafka.tools.StorageTool format -t "$UUID" -c "$DIR/kafka/server.properties" >"$DIR/kafka/format.log" 2>&1 \
  || { cat "$DIR/kafka/format.log" >&2; fail "Kafka storage format failed"; }
nohup java -Xms256m -Xmx512m -XX:+UseSerialGC -cp "$CP" -Dlog4j.configuration="file:$DIR/kafka/log4j.properties" \
  kafka.Kafka "$DIR/kafka/server.properties" >"$DIR/kafka/stdout.log" 2>&1 &
KPID=$!

# --- NATS --------------------------------------------------------------------------------
mkdir -p "$DIR/nats"
nohup nats-server -a 127.0.0.1 -p "$NPORT" -js -sd "$DIR/nats" -l "$DIR/nats/server.log" >/dev/null 2>&1 &
NPID=$!

# --- RabbitMQ with AMQP 1.0 ----------------------------------------------------------------
RNODE="sluice-test-$APORT@localhost"
mkdir -p "$DIR/rabbit/mnesia" "$DIR/rabbit/log"
echo '[rabbitmq_amqp1_0].' >"$DIR/rabbit/enabled_plugins"
cat >"$DIR/rabbit/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$APORT
loopback_users = none
EOF
# Debian's rabbitmq-server wrapper runs the node as the rabbitmq user when started by root.
chmod 755 "$DIR"
if id rabbitmq >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then chown -R rabbitmq: "$DIR/rabbit"; fi
RABBIT_ENV=(RABBITMQ_NODENAME="$RNODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$APORT"
  RABBITMQ_DIST_PORT="$ADIST" RABBITMQ_MNESIA_BASE="$DIR/rabbit/mnesia" RABBITMQ_LOG_BASE="$DIR/rabbit/log"
  RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/rabbit/enabled_plugins" RABBITMQ_CONFIG_FILE="$DIR/rabbit/rabbitmq"
  RABBITMQ_PID_FILE="$DIR/rabbit/rabbit.pid")
env "${RABBIT_ENV[@]}" nohup rabbitmq-server >"$DIR/rabbit/stdout.log" 2>&1 &
RWRAP=$!

cat >"$ENV_JSON" <<EOF
{
  "dir": "$DIR",
  "kafka": { "brokers": ["127.0.0.1:$KPORT"], "port": $KPORT, "controllerPort": $KCPORT, "pid": $KPID, "log": "$DIR/kafka/server.log" },
  "nats": { "servers": ["nats://127.0.0.1:$NPORT"], "port": $NPORT, "pid": $NPID, "log": "$DIR/nats/server.log" },
  "amqp": { "url": "amqp://guest:guest@127.0.0.1:$APORT", "port": $APORT, "node": "$RNODE", "pid": $RWRAP, "pidFile": "$DIR/rabbit/rabbit.pid", "log": "$DIR/rabbit/log" }
}
EOF

problems=()
# Each check fails at once when the process died, instead of waiting out its time.
nats_ready() {
  alive "$NPID" || return 2
  if port_open "$NPORT"; then return 0; fi
  return 1
}
wait_for 60 NATS nats_ready || problems+=("NATS did not open port $NPORT: see $DIR/nats/server.log")
kafka_ready() {
  alive "$KPID" || return 2
  if grep -qs "Kafka Server started" "$DIR/kafka/server.log" && port_open "$KPORT"; then return 0; fi
  return 1
}
wait_for 120 Kafka kafka_ready || problems+=("Kafka did not start on port $KPORT within 120 s: see $DIR/kafka/server.log and stdout.log")
# rabbitmqctl boots an Erlang VM per call: ask it only once the port is open.
rabbit_ready() {
  alive "$RWRAP" || return 2
  if port_open "$APORT" && env "${RABBIT_ENV[@]}" rabbitmqctl -n "$RNODE" -q await_startup >/dev/null 2>&1; then return 0; fi
  return 1
}
wait_for 120 RabbitMQ rabbit_ready || problems+=("RabbitMQ (AMQP 1.0) did not start on port $APORT within 120 s: see $DIR/rabbit/log and stdout.log")

if [ ${#problems[@]} -gt 0 ]; then
  for p in "${problems[@]}"; do printf '[test-env] CANNOT START: %s\n' "$p" >&2; done
  bash "$ROOT/test/env/down.sh" --keep-dir >/dev/null 2>&1 || true
  exit 1
fi
ensure_postgres
log "Kafka 3.9.1 (KRaft)   127.0.0.1:$KPORT   pid $KPID"
log "NATS + JetStream      127.0.0.1:$NPORT   pid $NPID"
log "RabbitMQ AMQP 1.0     127.0.0.1:$APORT   node $RNODE"
log "endpoints: $ENV_JSON; stop with test/env/down.sh"
