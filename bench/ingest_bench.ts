/**
 * Batch ingest benchmark (markdown on stdout, progress on stderr), all in one
 * run on the same PostgreSQL server:
 *
 * 1. a synthesized yellow month (default 3,000,000 rows; `deno task synth`,
 *    under the git-ignored bench/out/);
 * 2. the reader alone, and read + curate + COPY encoding without a database;
 * 3. `deno task ingest` as a subprocess with its declared permissions, into a
 *    fresh schema, with its peak RSS (`/usr/bin/time -v`, else /proc VmHWM);
 * 4. the baseline: the accepted rows exported to CSV, then `psql \copy` into
 *    an identical empty table (`create table ... (like trips including all)`);
 * 5. PGlite's ingest rate on the real green 2024-01 month.
 *
 *   deno run -A bench/ingest_bench.ts [rows]
 *
 * @module
 */
import { BENCH_ROW_GROUP_ROWS, ensureSynthMonth, run } from "./_support.ts";
import { PgliteStore } from "../src/adapters/pglite/store.ts";
import { ingestFile } from "../src/pipelines/ingest_month.ts";
import { TRIP_COLUMNS } from "../src/pipelines/_trip_lines.ts";
import { taskCommand } from "../tests/_support/task_command.ts";

const ROWS = Number(Deno.args[0] ?? 3_000_000);
const URL = Deno.env.get("DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5432/test";
const FILE = "bench/out/yellow_tripdata_2025-02.parquet";
const CSV = "bench/out/ingest_bench_accepted.csv";
const LIKE = "tests/fixtures/tlc/yellow_tripdata_sample.parquet";
const PGLITE_FILE = "data/green_tripdata_2024-01.parquet";
const suffix = crypto.randomUUID().slice(0, 8);
const OURS = `cf_bench_ingest_${suffix}`;
const BASELINE = `cf_bench_psql_${suffix}`;
const ROUNDS = Number(Deno.env.get("INGEST_BENCH_ROUNDS") ?? 2);

const log = (line: string) => console.error(`ingest_bench: ${line}`);

const psql = (sql: string) => run("psql", [URL, "-v", "ON_ERROR_STOP=1", "-qAtc", sql]);

/** Runs `command` under /usr/bin/time -v when present; returns stdout and peak RSS in MiB. */
async function withPeakRss(command: string[], env: Record<string, string>) {
  const hasTime = await Deno.stat("/usr/bin/time").then(() => true, () => false);
  if (hasTime) {
    const { stdout, stderr } = await run("/usr/bin/time", ["-v", ...command], env);
    const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]);
    return { stdout, peakMiB: kb / 1024 };
  }
  const child = new Deno.Command(command[0]!, { args: command.slice(1), env, stdout: "piped" })
    .spawn();
  let peakKb = 0;
  const timer = setInterval(() => {
    try {
      const status = Deno.readTextFileSync(`/proc/${child.pid}/status`);
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch { /* exited */ }
  }, 50);
  const output = await child.output();
  clearInterval(timer);
  if (output.code !== 0) throw new Error(`${command.join(" ")} failed (${output.code})`);
  return { stdout: new TextDecoder().decode(output.stdout), peakMiB: peakKb / 1024 };
}

async function helper(mode: "read" | "encode") {
  // With the ingest task's V8 flags and allocator settings, so the peaks compare.
  const task = taskCommand("ingest");
  const v8 = task.args.filter((arg) => arg.startsWith("--v8-flags="));
  const { stdout, peakMiB } = await withPeakRss(
    [Deno.execPath(), "run", ...v8, "-A", "bench/_read_only.ts", mode, FILE],
    task.env,
  );
  const result = JSON.parse(stdout) as { rows: number; seconds: number };
  return { ...result, peakMiB };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

await ensureSynthMonth(FILE, ROWS, LIKE, log);
log("reader alone ...");
const read = await helper("read");
log("read + curate + encode (no database) ...");
const encode = await helper("encode");

// Other processes share this machine: alternate ours and the baseline for
// several rounds and compare the best of each.
const columns = TRIP_COLUMNS.join(", ");
const task = taskCommand("ingest");
const rounds: { ours: number; copy: number; peakMiB: number }[] = [];
let summary = { rowsRead: 0, accepted: 0, seconds: 0 };
let copied = 0;
let csvBytes = 0;
const leftovers: string[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const ours = `${OURS}_${round}`, baseline = `${BASELINE}_${round}`;
    leftovers.push(ours, baseline);
    log(`round ${round}/${ROUNDS}: ingest into schema ${ours} ...`);
    await psql("checkpoint");
    // Wall time of the whole process, as psql's is: start, connection and migrations included.
    const ingestStarted = performance.now();
    const ingest = await withPeakRss([
      Deno.execPath(),
      ...task.args,
      FILE,
      "--schema",
      ours,
      "--json",
    ], {
      ...task.env,
      DATABASE_URL: URL,
    });
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    summary = JSON.parse(ingest.stdout).files[0];
    if (round === 1) {
      log("exporting the accepted rows to CSV ...");
      await psql(`\\copy (select ${columns} from ${ours}.trips) to '${CSV}' with (format csv)`);
      csvBytes = (await Deno.stat(CSV)).size;
    }
    log(`round ${round}/${ROUNDS}: psql \\copy into an identical table ${baseline} ...`);
    await psql(
      `create schema ${baseline}; create table ${baseline}.trips (like ${ours}.trips including all)`,
    );
    await psql(`drop schema ${ours} cascade`);
    await psql("checkpoint");
    const copyStarted = performance.now();
    await psql(`\\copy ${baseline}.trips (${columns}) from '${CSV}' with (format csv)`);
    const copySeconds = (performance.now() - copyStarted) / 1000;
    copied = Number((await psql(`select count(*) from ${baseline}.trips`)).stdout.trim());
    await psql(`drop schema ${baseline} cascade`);
    rounds.push({ ours: ingestSeconds, copy: copySeconds, peakMiB: ingest.peakMiB });
  }
} finally {
  // A failed round leaves no 3 M-row schema or CSV behind.
  for (const schema of leftovers) await psql(`drop schema if exists ${schema} cascade`);
  await Deno.remove(CSV).catch(() => {});
}
const oursSeconds = Math.min(...rounds.map((r) => r.ours));
const copySeconds = Math.min(...rounds.map((r) => r.copy));
const peakMiB = Math.max(...rounds.map((r) => r.peakMiB));

log(`PGlite ingest of ${PGLITE_FILE} ...`);
const pglite = await PgliteStore.open({ schema: "chillflow" });
const pgliteSummary = await ingestFile(pglite, PGLITE_FILE);
await pglite.close();

const oursRate = summary.accepted / oursSeconds;
const copyRate = copied / copySeconds;
const ratio = oursRate / copyRate;
console.log([
  `File: \`${FILE}\`, ${fmt(summary.rowsRead)} rows synthesized from \`${LIKE}\` ` +
  `(${fmt(summary.accepted)} accepted), in row groups of ${fmt(BENCH_ROW_GROUP_ROWS)} rows ` +
  `as TLC's files have them. Server: \`${URL.replace(/\/\/[^@]*@/, "//")}\`.`,
  "",
  "| measure | rows | seconds | rows/s | peak RSS (MiB) | target |",
  "|---|---:|---:|---:|---:|---|",
  `| reader alone (\`readTripBatches\`) | ${fmt(read.rows)} | ${fmt(read.seconds, 1)} | ${
    fmt(read.rows / read.seconds)
  } | ${fmt(read.peakMiB)} | |`,
  `| read + curate + COPY encoding, no database | ${fmt(encode.rows)} | ${
    fmt(encode.seconds, 1)
  } | ${fmt(encode.rows / encode.seconds)} | ${fmt(encode.peakMiB)} | |`,
  `| **\`deno task ingest\`** (PostgreSQL, accepted rows) | ${fmt(summary.accepted)} | ${
    fmt(oursSeconds, 1)
  } | ${fmt(oursRate)} | ${fmt(peakMiB)} | RSS < 400: ${peakMiB < 400 ? "met" : "**not met**"} |`,
  `| baseline \`psql \\copy\` of the same rows from CSV (${fmt(csvBytes / 2 ** 20)} MiB) | ${
    fmt(copied)
  } | ${fmt(copySeconds, 1)} | ${fmt(copyRate)} | | |`,
  `| **ratio ingest / psql \\copy** | | | ${fmt(ratio, 2)} | | >= 0.8: ${
    ratio >= 0.8 ? "met" : "**not met**"
  } |`,
  `| PGlite ingest (in memory, \`${PGLITE_FILE}\`) | ${fmt(pgliteSummary.rowsRead)} | ${
    fmt(pgliteSummary.seconds, 1)
  } | ${fmt(pgliteSummary.rowsPerSecond)} | | |`,
  "",
  `Rounds (ingest s / psql s / ratio): ${
    rounds.map((r) => `${fmt(r.ours, 1)} / ${fmt(r.copy, 1)} / ${fmt(r.copy / r.ours, 2)}`)
      .join("; ")
  }. The table shows the best round of each side.`,
  "",
  "Ingest seconds are the task process's wall time (start, connection, migrations, footer check,",
  "file SHA-256, delete of the previous scope, COPY of accepted and rejected rows, audit, commit);",
  "the baseline is the wall time of `psql \\copy` (its start and connection included), into an empty",
  "table with the same indexes. A `checkpoint` precedes each. The two helper rows run with the",
  "task's V8 flags and allocator settings. The memory target is 400 MiB.",
].join("\n"));
