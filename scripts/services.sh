#!/usr/bin/env bash
# Local services for ChillFlow's integration tests and tasks, without Docker:
#   services.sh up     PostgreSQL and Redis (reuse running ones, else start Debian's),
#                      plus a single-node KRaft Kafka broker run from Maven Central jars
#   services.sh down   stop what `up` started (never a server it merely reused)
#   services.sh env    print the connection variables
# Settings (environment): KAFKA_VERSION, KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_HEAP,
# KAFKA_JVM_OPTS, KAFKA_START_TIMEOUT, KAFKA_CACHE, KAFKA_RUN, PG_PORT, REDIS_PORT. Kafka's data and logs live in the git-ignored
# .kafka-local/ folder; its jars in ${XDG_CACHE_HOME:-~/.cache}/chillflow.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
LOG4J2_VERSION="${LOG4J2_VERSION:-2.25.5}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_HEAP="${KAFKA_HEAP:--Xms256m -Xmx512m}"
# C1 only: a few seconds faster to start on a busy 2-core box. For throughput benchmarks set
# KAFKA_JVM_OPTS="-XX:+UseG1GC -XX:MaxGCPauseMillis=20" to get the C2 compiler back.
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:TieredStopAtLevel=1}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_CACHE="${KAFKA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chillflow}"
LIBS="$KAFKA_CACHE/kafka-$KAFKA_VERSION/libs"
RUN="${KAFKA_RUN:-$ROOT/.kafka-local}"
PID_FILE="$RUN/kafka.pid"
KAFKA_LOG="$RUN/logs/kafka.out"
PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"

say() { printf '%s\n' "$*" >&2; }
die() { say "services: $*"; exit 1; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True when 127.0.0.1:$1 answers a Kafka ApiVersions request (v0, correlation id 1, client "cf").
speaks_kafka() {
  local reply
  reply="$(
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf '\x00\x00\x00\x0c\x00\x12\x00\x00\x00\x00\x00\x01\x00\x02cf' >&3
    timeout 5 head -c 8 <&3 | od -An -tx1 | tr -d ' \n'
  )" 2>/dev/null || return 1
  [[ "${reply:8:8}" == "00000001" ]]
}

# The pid of the broker this script started: a stale file's pid may be another process by now.
kafka_pid() {
  local pid
  [[ -f "$PID_FILE" ]] && pid="$(cat "$PID_FILE")" && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $RUN/server.properties" &&
    printf '%s\n' "$pid"
}

fetch_kafka() {
  [[ -f "$LIBS/.complete" ]] && return 0
  command -v java >/dev/null || die "java not found: Kafka $KAFKA_VERSION needs Java 17+"
  command -v mvn >/dev/null || die "mvn not found: install Maven to fetch the Kafka jars"
  local major
  major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')"
  [[ "${major%%.*}" -ge 17 ]] || die "Kafka $KAFKA_VERSION needs Java 17+, found $major"
  say "Kafka: fetching $KAFKA_VERSION jars with Maven into $LIBS"
  rm -rf "$LIBS.tmp"
  mvn -B -q -Dstyle.color=never -f "$ROOT/tools/kafka/pom.xml" \
    -Dkafka.version="$KAFKA_VERSION" -Dlog4j2.version="$LOG4J2_VERSION" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$LIBS.tmp" >&2 ||
    die "Maven could not fetch the Kafka jars (is Maven Central reachable?)"
  [[ -f "$LIBS.tmp/kafka_2.13-$KAFKA_VERSION.jar" && -n "$(ls "$LIBS.tmp"/log4j-slf4j-impl-*.jar)" ]] ||
    die "the fetched jars lack kafka_2.13-$KAFKA_VERSION.jar or the log4j SLF4J binding"
  rm -rf "$LIBS" && mv "$LIBS.tmp" "$LIBS" && touch "$LIBS/.complete"
}

write_kafka_config() {
  mkdir -p "$RUN/data" "$RUN/logs"
  cat >"$RUN/server.properties" <<EOF
process.roles=broker,controller
node.id=1
# Static voters: a plain 'format' with no --standalone works on 3.9 and 4.x alike.
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$RUN/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests join groups constantly: no 3 s wait for more members.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
# The 128 MiB default is allocated on the heap at start.
log.cleaner.dedupe.buffer.size=16777216
num.network.threads=2
num.io.threads=2
num.recovery.threads.per.data.dir=1
EOF
  cat >"$RUN/log4j2.properties" <<'EOF'
status = warn
appender.out.type = Console
appender.out.name = STDOUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = STDOUT
logger.req.name = kafka.request.logger
logger.req.level = warn
logger.state.name = state.change.logger
logger.state.level = warn
EOF
  cat >"$RUN/tools-log4j2.properties" <<'EOF'
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.err.ref = STDERR
EOF
}

# A base64url UUID as Kafka's Uuid.fromString expects; made here to save a JVM start.
cluster_id() {
  local id
  while :; do
    id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && { printf '%s' "$id"; return; }
  done
}

kafka_fail() {
  say "services: Kafka did not start: $1."
  say "First errors in $KAFKA_LOG:"
  grep -m 5 -E '^\[[^]]*\] (ERROR|FATAL) ' "$KAFKA_LOG" >&2 || say "(none)"
  say "Last lines:"
  tail -n 20 "$KAFKA_LOG" >&2 || true
  exit 1
}

kafka_up() {
  if [[ -n "$(kafka_pid)" ]] && port_open "$KAFKA_PORT"; then
    say "Kafka: already running (pid $(cat "$PID_FILE")) on 127.0.0.1:$KAFKA_PORT"
    return 0
  fi
  if port_open "$KAFKA_PORT"; then
    speaks_kafka "$KAFKA_PORT" ||
      die "127.0.0.1:$KAFKA_PORT is taken by something that is not Kafka; free it or set KAFKA_PORT"
    say "Kafka: 127.0.0.1:$KAFKA_PORT already answers (not started by this script); using it"
    return 0
  fi
  if [[ -n "$(kafka_pid)" ]]; then kafka_down; fi # alive but not listening: start afresh
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    die "Kafka's controller port 127.0.0.1:$KAFKA_CONTROLLER_PORT is taken; free it or set KAFKA_CONTROLLER_PORT"
  fi
  fetch_kafka
  local started
  started=$(date +%s%N)
  # A fresh cluster per start keeps tests deterministic, and 4.4 refuses storage
  # formatted by a newer tool, so a version change needs a wipe anyway.
  rm -rf "$RUN/data"
  write_kafka_config
  java -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$RUN/tools-log4j2.properties" \
    -cp "$LIBS/*" kafka.tools.StorageTool format -t "$(cluster_id)" -c "$RUN/server.properties" \
    >"$RUN/logs/format.log" 2>&1 || { cat "$RUN/logs/format.log" >&2; die "formatting Kafka storage failed"; }
  # setsid: the broker must outlive `deno task` and ignore the terminal's Ctrl-C.
  # shellcheck disable=SC2086
  setsid nohup java $KAFKA_HEAP $KAFKA_JVM_OPTS -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$RUN/log4j2.properties" -Dkafka.logs.dir="$RUN/logs" \
    -cp "$LIBS/*" kafka.Kafka "$RUN/server.properties" >"$KAFKA_LOG" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    kill -0 "$(cat "$PID_FILE")" 2>/dev/null || { rm -f "$PID_FILE"; kafka_fail "the process exited"; }
    # The broker opens its listener only after it is unfenced, so the port is a real signal.
    if grep -q 'Kafka Server started' "$KAFKA_LOG" && port_open "$KAFKA_PORT"; then
      local ms=$((($(date +%s%N) - started) / 1000000))
      say "Kafka: $KAFKA_VERSION started in $((ms / 1000)).$(printf %03d $((ms % 1000))) s (pid $(cat "$PID_FILE"), log $KAFKA_LOG)"
      return 0
    fi
    sleep 0.5
  done
  kafka_down
  kafka_fail "no readiness within ${KAFKA_START_TIMEOUT} s"
}

kafka_down() {
  local pid
  pid="$(kafka_pid)" || { rm -f "$PID_FILE"; say "Kafka: not running"; return 0; }
  kill -TERM "$pid" # the shutdown hook does a controlled shutdown
  for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  rm -f "$PID_FILE"
  say "Kafka: stopped (pid $pid)"
}

redis_up() {
  if port_open "$REDIS_PORT"; then say "Redis: running on 127.0.0.1:$REDIS_PORT"; return 0; fi
  command -v redis-server >/dev/null || die "Redis is not running and redis-server is not installed"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log >&2
  for _ in $(seq 40); do port_open "$REDIS_PORT" && break; sleep 0.25; done
  port_open "$REDIS_PORT" || die "Redis did not start; see /var/log/redis/ci.log"
  mkdir -p "$RUN" && redis_identity >"$RUN/started-redis"
  say "Redis: started on 127.0.0.1:$REDIS_PORT"
}

# Which server answers (its pid and run id): a marker left by an earlier run names another.
redis_identity() { redis-cli -p "$REDIS_PORT" info server | grep -E '^(process_id|run_id):' | tr -d '\r'; }

redis_down() {
  [[ -f "$RUN/started-redis" ]] || return 0
  if [[ "$(redis_identity 2>/dev/null)" == "$(cat "$RUN/started-redis")" ]]; then
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    say "Redis: stopped"
  else
    say "Redis: the server on 127.0.0.1:$REDIS_PORT is not the one services:up started; left running"
  fi
  rm -f "$RUN/started-redis"
}

pg_cluster_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

postgres_up() {
  if ! port_open "$PG_PORT"; then
    command -v pg_ctlcluster >/dev/null || die "PostgreSQL is not running and pg_ctlcluster is not installed"
    pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster_version)" main start >&2
    for _ in $(seq 60); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 0.5; done
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || die "PostgreSQL did not start; see /var/log/postgresql/"
    mkdir -p "$RUN" && pg_identity >"$RUN/started-postgres"
    say "PostgreSQL: started on 127.0.0.1:$PG_PORT"
  else
    say "PostgreSQL: running on 127.0.0.1:$PG_PORT"
  fi
  if [[ "$(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
    "select 1 from pg_database where datname = 'test'")" != 1 ]]; then
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc "create database test" >&2
    say "PostgreSQL: created database test"
  fi
}

# Which server answers: its start time differs from a marker left by an earlier run's server.
pg_identity() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc "select pg_postmaster_start_time()"; }

postgres_down() {
  [[ -f "$RUN/started-postgres" ]] || return 0
  if [[ "$(pg_identity 2>/dev/null)" == "$(cat "$RUN/started-postgres")" ]]; then
    pg_ctlcluster --skip-systemctl-redirect "$(pg_cluster_version)" main stop >&2 || true
    say "PostgreSQL: stopped"
  else
    say "PostgreSQL: the server on 127.0.0.1:$PG_PORT is not the one services:up started; left running"
  fi
  rm -f "$RUN/started-postgres"
}

print_env() {
  echo "DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/test"
  echo "KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
  echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT"
}

case "${1:-}" in
  up) postgres_up && redis_up && kafka_up && print_env ;;
  down) kafka_down && redis_down && postgres_down ;;
  env) print_env ;;
  *) say "usage: scripts/services.sh {up|down|env}"; exit 2 ;;
esac
