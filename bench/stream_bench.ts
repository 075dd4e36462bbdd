/**
 * Stream replay benchmark (markdown on stdout, progress on stderr), all on
 * the same broker and PostgreSQL in one run:
 *
 * 1. a synthesized yellow month (default 3,000,000 rows, ~9 M events;
 *    `deno task synth`, under the git-ignored bench/out/stream/);
 * 2. our producer (`produceEvents` over `KafkaBus`, which publishes through
 *    @platformatic/kafka in worker threads): read, curate, sort by event time,
 *    publish; events/s over the whole run;
 * 3. Kafka's own `org.apache.kafka.tools.ProducerPerformance` (the kafka-tools
 *    jar that `deno task services:up` fetched) with the same number of records,
 *    the same mean record size, `acks=all` and no compression; 2 and 3 run
 *    twice, interleaved, and each side's best round counts;
 * 4. the same producer pipeline over kafkajs (what `KafkaBus` published
 *    through before; a publish-only bus, only here);
 * 5. the assembler draining the first round's full topic, as one member and
 *    as a group of two (`deno task assemble` subprocesses: their declared
 *    permissions, Redis cache);
 * 6. end to end: one, then two assemblers consuming while our producer
 *    publishes into PostgreSQL; events/s from the first publish to the last
 *    trip committed, the time spent catching up after the producer finished,
 *    the group's consumer lag (sampled every second) and the CPU of every
 *    process per million events.
 *
 *   deno run -A bench/stream_bench.ts [rows]
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { CompressionTypes, Kafka, logLevel, type Message, Partitioners } from "kafkajs";
import { ensureSynthMonth, run } from "./_support.ts";
import { CpuMeter, processes } from "./_cpu.ts";
import { KafkaBus } from "../src/adapters/kafka/bus.ts";
import type { Bus, OutgoingMessage } from "../src/ports/bus.ts";
import { produceEvents, type ProduceSummary } from "../src/pipelines/produce_events.ts";
import { streamTopics } from "../src/pipelines/stream_topics.ts";
import { taskCommand } from "../tests/_support/task_command.ts";

const ROWS = Number(Deno.args[0] ?? 3_000_000);
const URL = Deno.env.get("DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5432/test";
const BROKERS = (Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:19092").split(",");
const REDIS = Deno.env.get("REDIS_URL") ?? "redis://127.0.0.1:6379";
const FILE = "bench/out/stream/yellow_tripdata_2025-02.parquet";
const LIKE = "tests/fixtures/tlc/yellow_tripdata_sample.parquet";
// Where scripts/services.sh puts the Kafka jars, read from the same variables.
const KAFKA_LIBS = `${
  Deno.env.get("KAFKA_CACHE") ??
    `${Deno.env.get("XDG_CACHE_HOME") ?? `${Deno.env.get("HOME")}/.cache`}/chillflow`
}/kafka-${Deno.env.get("KAFKA_VERSION") ?? "4.4.0"}/libs`;
const suffix = crypto.randomUUID().slice(0, 8);
const log = (line: string) => console.error(`stream_bench: ${line}`);
const decoder = new TextDecoder();

/**
 * A publish-only Bus over kafkajs, as `KafkaBus` published before: an
 * idempotent producer, one request in flight, the murmur2 partitioner, requests
 * of at most 5000 messages and 900 kB, no compression.
 */
class KafkajsBus implements Bus {
  readonly kind = "kafka" as const;
  #admin: KafkaBus;
  #producer = new Kafka({ clientId: "chillflow-bench", brokers: BROKERS, logLevel: logLevel.ERROR })
    .producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  #connected: Promise<void> | undefined;

  constructor(admin: KafkaBus) {
    this.#admin = admin;
  }
  ensureTopic(topic: string, partitions: number): Promise<number> {
    return this.#admin.ensureTopic(topic, partitions);
  }
  async publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    await (this.#connected ??= this.#producer.connect());
    let batch: Message[] = [];
    let bytes = 0;
    for (const m of messages) {
      const value = typeof m.value === "string"
        ? m.value
        : Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength);
      const size = Buffer.byteLength(m.key) + Buffer.byteLength(value);
      if (batch.length > 0 && (batch.length >= 5000 || bytes + size > 900_000)) {
        await this.#send(topic, batch);
        batch = [];
        bytes = 0;
      }
      batch.push({ key: m.key, value });
      bytes += size;
    }
    if (batch.length > 0) await this.#send(topic, batch);
  }
  subscribe(): never {
    throw new Error("KafkajsBus only publishes");
  }
  deleteTopics(topics: readonly string[]): Promise<void> {
    return this.#admin.deleteTopics(topics);
  }
  close(): Promise<void> {
    return this.#producer.disconnect();
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
  async #send(topic: string, messages: Message[]): Promise<void> {
    await this.#producer.send({ topic, messages, acks: -1, compression: CompressionTypes.None });
  }
}

/** Mean record size of the events: what ProducerPerformance is told to send. */
function meanEventBytes(summary: ProduceSummary, bytes: number): number {
  return Math.round(bytes / summary.events);
}

/** Counts the bytes of published event values on the way through. */
class CountingBus implements Bus {
  readonly kind = "kafka" as const;
  bytes = 0;
  constructor(readonly inner: Bus, readonly eventsTopic: string) {}
  ensureTopic(t: string, p: number): Promise<number> {
    return this.inner.ensureTopic(t, p);
  }
  publish(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (topic === this.eventsTopic) {
      for (const m of messages) {
        this.bytes += typeof m.value === "string" ? m.value.length : m.value.length;
      }
    }
    return this.inner.publish(topic, messages);
  }
  subscribe(): never {
    throw new Error("publish only");
  }
  deleteTopics(t: readonly string[]): Promise<void> {
    return this.inner.deleteTopics(t);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

async function javaProducerPerformance(topic: string, records: number, size: number) {
  const { stdout } = await run("java", [
    "-Xmx512m",
    "-cp",
    `${KAFKA_LIBS}/*`,
    "org.apache.kafka.tools.ProducerPerformance",
    "--topic",
    topic,
    "--num-records",
    String(records),
    "--record-size",
    String(size),
    "--throughput",
    "-1",
    "--producer-props",
    `bootstrap.servers=${BROKERS.join(",")}`,
    "acks=all",
    "compression.type=none",
  ]);
  const last = stdout.trim().split("\n").at(-1)!;
  const rate = Number(/([\d.]+) records\/sec/.exec(last)?.[1]);
  return { rate, line: last };
}

const IDLE_MS = 15_000;

/** Whether a command line is the Kafka broker's JVM. */
const isBroker = (commandLine: string) => commandLine.includes(" kafka.Kafka ");

/**
 * Starts `members` instances of `deno task assemble` (its declared
 * permissions) in one group, on a topic prefix and schema.
 */
function assembleGroup(prefix: string, target: string, members: number) {
  const task = taskCommand("assemble");
  const children = Array.from({ length: members }, () =>
    new Deno.Command(Deno.execPath(), {
      args: [
        ...task.args,
        "--schema",
        target,
        "--topic-prefix",
        prefix,
        "--group",
        `${target}_g`,
        "--until-idle",
        "--idle-ms",
        String(IDLE_MS),
        "--json",
      ],
      env: { ...task.env, DATABASE_URL: URL, KAFKA_BROKERS: BROKERS.join(","), REDIS_URL: REDIS },
      stdout: "piped",
      stderr: "piped",
    }).spawn());
  const outputs = Promise.all(children.map((child) => child.output()));
  return {
    pids: new Set(children.map((child) => child.pid)),
    exited: outputs,
    /** Trips completed by the whole group. */
    async completed(): Promise<number> {
      let completed = 0;
      for (const out of await outputs) {
        if (out.code !== 0) throw new Error(`assemble failed: ${decoder.decode(out.stderr)}`);
        const lines = decoder.decode(out.stdout).trim().split("\n");
        completed += (JSON.parse(lines.at(-1)!) as { completed: number }).completed;
      }
      return completed;
    },
  };
}

/** The groups of processes whose CPU the live runs meter. */
function cpuGroups(assemblers: ReadonlySet<number>) {
  return {
    producer: (pid: number) => pid === Deno.pid,
    assembler: (pid: number) => assemblers.has(pid),
    "Kafka broker": (_: number, c: string) => isBroker(c),
    PostgreSQL: (_: number, c: string) => /^(postgres|\/usr\/lib\/postgresql\/)/.test(c),
    Redis: (_: number, c: string) => c.startsWith("redis-server"),
  };
}

/** Assembles a topic that is already full; events/s from start to the last commit. */
async function backlogRun(prefix: string, target: string, members: number, expected: number) {
  const started = performance.now();
  const group = assembleGroup(prefix, target, members);
  await group.exited;
  const seconds = (performance.now() - started - IDLE_MS) / 1000;
  const completed = await group.completed();
  if (completed !== expected) {
    throw new Error(`backlog run (${members}) assembled ${completed} of ${expected} trips`);
  }
  return { members, seconds };
}

/**
 * Samples a consumer group's lag every second: messages on its topics that
 * it has not committed yet (end offsets minus committed offsets).
 */
function sampleLag(group: string, topics: readonly string[]) {
  const admin = new Kafka({
    clientId: "chillflow-bench-lag",
    brokers: BROKERS,
    logLevel: logLevel.ERROR,
  })
    .admin();
  const samples: { at: number; lag: number }[] = [];
  const sample = async () => {
    const committed = await admin.fetchOffsets({ groupId: group, topics: [...topics] });
    let lag = 0;
    for (const topic of topics) {
      const done = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const end of await admin.fetchTopicOffsets(topic)) {
        const offset = Number(done.find((p) => p.partition === end.partition)?.offset ?? -1);
        lag += Number(end.high) - Math.max(Number(end.low), offset);
      }
    }
    samples.push({ at: performance.now(), lag });
  };
  let stopped = false;
  const loop = (async () => {
    await admin.connect();
    while (!stopped) {
      await Promise.all([sample(), new Promise((resolve) => setTimeout(resolve, 1_000))]);
    }
    await admin.disconnect();
  })();
  // A failed sample surfaces in stop(), not as an unhandled rejection that ends the run.
  loop.catch(() => {});
  return {
    /** Stops sampling; the largest lag and the last one sampled before `at`. */
    async stop(at: number) {
      stopped = true;
      await loop;
      return {
        most: Math.max(0, ...samples.map((s) => s.lag)),
        at: samples.findLast((s) => s.at <= at)?.lag ?? 0,
      };
    },
  };
}

/** What {@linkcode liveRun} measured. */
type LiveRun = Awaited<ReturnType<typeof liveRun>>;

/**
 * End to end: `members` assemblers consuming while our producer publishes
 * into a fresh topic; events/s from the first publish to the last commit.
 */
async function liveRun(bus: Bus, prefix: string, target: string, members: number) {
  const topics = streamTopics(prefix);
  for (const t of [topics.events, topics.rejects, topics.dlq]) await bus.ensureTopic(t, 6);
  const group = assembleGroup(prefix, target, members);
  await new Promise((resolve) => setTimeout(resolve, 4_000)); // group join
  const meter = new CpuMeter(cpuGroups(group.pids));
  const lagSampler = sampleLag(`${target}_g`, [topics.events, topics.rejects]);
  const start = performance.now();
  const produced = await produceEvents(bus, FILE, { topicPrefix: prefix });
  const producedAt = performance.now();
  // The second phase on its own: the assemblers catching up after the producer is done.
  const lagMeter = new CpuMeter(cpuGroups(group.pids));
  await group.exited;
  const doneAt = performance.now() - IDLE_MS;
  const lagCpu = await lagMeter.stop();
  const cpu = await meter.stop();
  const lag = await lagSampler.stop(producedAt);
  const completed = await group.completed();
  if (completed !== produced.accepted) {
    throw new Error(`live run (${members}) assembled ${completed} of ${produced.accepted} trips`);
  }
  const seconds = (doneAt - start) / 1000;
  return {
    members,
    events: produced.events,
    completed,
    seconds,
    rate: Math.round(produced.events / seconds),
    produceSeconds: (producedAt - start) / 1000,
    lagSeconds: Math.max(0, (doneAt - producedAt) / 1000),
    lag,
    // The idle wait that ends the assemblers is not part of either phase.
    lagWall: lagCpu.wall - IDLE_MS / 1000,
    wall: cpu.wall - IDLE_MS / 1000,
    cpu,
    lagCpu,
  };
}

const bus = await KafkaBus.open({ brokers: BROKERS, compression: "none" });
const prefixes = ["ours", "kjs", "java", "e2e", "ours2", "java2", "e2e2"].map((p) =>
  `cf_bench_${p}_${suffix}_`
);
const schema = `cf_bench_stream_${suffix}`;
try {
  // Java's baseline runs after minutes of ours: find its jars first.
  await Deno.stat(`${KAFKA_LIBS}/.complete`).catch(() => {
    throw new Error(`no Kafka jars in ${KAFKA_LIBS}: run "deno task services:up" first`);
  });
  await ensureSynthMonth(FILE, ROWS, LIKE, log);
  // Two rounds of our producer and Java's, interleaved; each side's best round
  // is compared (one run of either varied by a quarter on the same machine).
  const oursRounds: ProduceSummary[] = [];
  const javaRounds: { rate: number; line: string }[] = [];
  let size = 0;
  for (
    const [round, oursPrefix, javaPrefix] of [
      [1, prefixes[0]!, prefixes[2]!],
      [2, prefixes[4]!, prefixes[5]!],
    ] as const
  ) {
    log(`round ${round}/2: our producer (KafkaBus, @platformatic/kafka) ...`);
    const counting = new CountingBus(bus, `${oursPrefix}trip-events`);
    const ours = await produceEvents(counting, FILE, { topicPrefix: oursPrefix });
    size ||= meanEventBytes(ours, counting.bytes);
    oursRounds.push(ours);
    log(`  ${ours.events} events, ${ours.eventsPerSecond}/s, mean ${size} B`);

    log(`round ${round}/2: Kafka ProducerPerformance (Java) ...`);
    await bus.ensureTopic(`${javaPrefix}trip-events`, 6);
    const java = await javaProducerPerformance(`${javaPrefix}trip-events`, ours.events, size);
    javaRounds.push(java);
    log(`  ${java.line}`);
    // The second round's topics only cost disk; the first round's feeds the backlog run.
    if (round === 2) {
      await bus.deleteTopics(
        [oursPrefix, javaPrefix].flatMap((p) => Object.values(streamTopics(p))),
      );
    }
  }
  const ours = oursRounds.reduce((a, b) => b.eventsPerSecond > a.eventsPerSecond ? b : a);
  const java = javaRounds.reduce((a, b) => b.rate > a.rate ? b : a);

  log("same pipeline over kafkajs ...");
  const kafkajsBus = new KafkajsBus(bus);
  const kjs = await produceEvents(kafkajsBus, FILE, { topicPrefix: prefixes[1] });
  await kafkajsBus.close();
  log(`  ${kjs.eventsPerSecond}/s`);

  // One and two members of a group (this machine has two cores), on the same backlog and live.
  const backlogs: Awaited<ReturnType<typeof backlogRun>>[] = [];
  for (const members of [1, 2]) {
    log(`assemble from the backlog (our producer's topic), ${members} member(s) ...`);
    backlogs.push(
      await backlogRun(prefixes[0]!, `${schema}_drain${members}`, members, ours.accepted),
    );
    log(`  ${Math.round(ours.events / backlogs.at(-1)!.seconds)} events/s`);
  }
  const lives: LiveRun[] = [];
  for (const [members, prefix] of [[1, prefixes[3]!], [2, prefixes[6]!]] as const) {
    log(`end to end: ${members} assembler subprocess(es) while producing ...`);
    lives.push(await liveRun(bus, prefix, `${schema}_live${members}`, members));
    log(`  ${lives.at(-1)!.rate} events/s`);
  }
  const best = lives.reduce((a, b) => b.rate > a.rate ? b : a);

  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const percent = (part: number, whole: number) => `${(100 * part / whole).toFixed(0)}%`;
  const cores = navigator.hardwareConcurrency;
  const cpuTotal = (run: LiveRun) => Object.values(run.cpu.groups).reduce((a, b) => a + b, 0);
  const perMillion = (seconds: number, events: number) => (seconds / events * 1e6).toFixed(1);
  const broker = [...(await processes()).values()].find(isBroker);
  const brokerJit = broker === undefined
    ? "no broker process found"
    : broker.includes("TieredStopAtLevel=1")
    ? "C1 only (services:up default)"
    : "C1 + C2";
  const groupNames = Object.keys(best.cpu.groups);
  console.log([
    `Synthesized month: ${ROWS.toLocaleString("en")} rows -> ${
      ours.events.toLocaleString("en")
    } events ` +
    `(mean ${size} B); broker ${BROKERS.join(",")}, acks=all, no compression, 6 partitions.`,
    "",
    "| producer | events/s (whole run) | vs Java | events/s (publish phase) | vs Java |",
    "|---|---:|---:|---:|---:|",
    `| Kafka ProducerPerformance (Java, ${size} B records) | ${Math.round(java.rate)} | 1.00 | | |`,
    `| ChillFlow produce (KafkaBus, @platformatic/kafka) | ${ours.eventsPerSecond} | ${
      ratio(ours.eventsPerSecond, java.rate)
    } | ${ours.publishEventsPerSecond} | ${ratio(ours.publishEventsPerSecond, java.rate)} |`,
    `| same pipeline over kafkajs | ${kjs.eventsPerSecond} | ${
      ratio(kjs.eventsPerSecond, java.rate)
    } | ${kjs.publishEventsPerSecond} | ${ratio(kjs.publishEventsPerSecond, java.rate)} |`,
    "",
    "Whole run = read the Parquet file, curate, order by event time, publish; " +
    "publish phase = from the end of reading and curating (the ordering's sort runs as the first " +
    "event is planned, inside it). Best of two interleaved rounds for ours and Java's " +
    `(ours: ${oursRounds.map((r) => r.eventsPerSecond).join(" / ")} events/s; Java: ${
      javaRounds.map((r) => Math.round(r.rate)).join(" / ")
    } records/s); kafkajs ran once.`,
    "",
    "| end to end (produce -> Kafka -> assemble -> PostgreSQL) | 1 assembler | 2 assemblers (one group) |",
    "|---|---:|---:|",
    `| live: events/s (producer start to the assemblers' exit, less their idle wait) | ${
      lives.map((r) => r.rate).join(" | ")
    } |`,
    `| live: seconds (producing / catching up after) | ${
      lives.map((r) => `${r.produceSeconds.toFixed(0)} / ${r.lagSeconds.toFixed(0)}`).join(" | ")
    } |`,
    `| live: consumer lag, messages (most / when the producer finished; sampled each second) | ${
      lives.map((r) => `${r.lag.most.toLocaleString("en")} / ${r.lag.at.toLocaleString("en")}`)
        .join(" | ")
    } |`,
    `| backlog: events/s (6 partitions already full) | ${
      backlogs.map((r) => Math.round(ours.events / r.seconds)).join(" | ")
    } |`,
    "",
    `Every run completed all ${best.completed.toLocaleString("en")} trips of the ` +
    `${
      best.events.toLocaleString("en")
    } events. CPU during the live runs (broker JIT: ${brokerJit}), ` +
    "from /proc: CPU seconds per million events, by process.",
    "",
    `| assemblers | ${groupNames.join(" | ")} | all of them | machine busy |`,
    `|---:|${"---:|".repeat(groupNames.length + 2)}`,
    ...lives.map((r) =>
      `| ${r.members} | ${
        Object.values(r.cpu.groups).map((s) => perMillion(s, r.events)).join(" | ")
      } | ${perMillion(cpuTotal(r), r.events)} | ${
        percent(r.cpu.busy, cores * r.wall)
      } of ${cores} cores |`
    ),
    "",
    ...lives.map((r) =>
      `With ${r.members} assembler(s): while the producer ran (${
        r.produceSeconds.toFixed(0)
      } s) the machine was ${
        percent(r.cpu.busy - r.lagCpu.busy, cores * r.produceSeconds)
      } busy; ` +
      `after it (${r.lagWall.toFixed(0)} s) ${percent(r.lagCpu.busy, cores * r.lagWall)}, ` +
      `the assemblers using ${percent(r.lagCpu.groups.assembler!, r.lagWall)} of one core and ` +
      `PostgreSQL ${percent(r.lagCpu.groups.PostgreSQL!, r.lagWall)}.`
    ),
    "",
    `At ${perMillion(cpuTotal(best), best.events)} CPU seconds per million events (the faster ` +
    `live run), ${cores} fully busy cores bound the end-to-end rate at ${
      Math.round(cores / (cpuTotal(best) / best.events)).toLocaleString("en")
    } events/s on this machine.`,
    "",
    `Targets: producer >= 0.5 x Java (${
      ratio(ours.eventsPerSecond, java.rate)
    }); end to end >= 100,000 events/s (${best.rate}, ${best.members} assembler(s)).`,
  ].join("\n"));
} finally {
  const all = prefixes.flatMap((p) => Object.values(streamTopics(p)));
  await bus.deleteTopics(all).catch(() => {});
  await bus.close();
  // Every schema an assembler wrote (the backlog runs' and the live ones'), and its watermarks.
  for (
    const [target, prefix] of [
      [`${schema}_drain1`, prefixes[0]],
      [`${schema}_drain2`, prefixes[0]],
      [`${schema}_live1`, prefixes[3]],
      [`${schema}_live2`, prefixes[6]],
    ]
  ) {
    await run("psql", [URL, "-qc", `drop schema if exists ${target} cascade`]).catch(() => {});
    await run("redis-cli", [
      "-u",
      REDIS,
      "del",
      `chillflow:${target}:${target}_g:${prefix}trip-events:wm`,
    ]).catch(() => {});
  }
}
