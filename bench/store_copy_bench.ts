/**
 * COPY throughput of `PostgresStore.copyIn()` against `psql \copy` for the
 * same generated trips file, each into a fresh schema of the real server.
 *
 *   deno run --allow-read --allow-write=bench/out --allow-run=psql \
 *     --allow-env --allow-net=127.0.0.1,localhost bench/store_copy_bench.ts [rows]
 *
 * @module
 */
import { PostgresStore } from "../src/adapters/postgres/store.ts";
import { TRIP_COLUMNS } from "../src/pipelines/_trip_lines.ts";

const ROWS = Number(Deno.args[0] ?? 1_000_000);
const URL = Deno.env.get("DATABASE_URL") ?? "postgres://postgres@127.0.0.1:5432/test";
const FILE = "bench/out/trips_copy_bench.tsv";
const COLUMNS = TRIP_COLUMNS;

function line(i: number): string {
  const pickup = Date.UTC(2024, 0, 1) + i * 2_600;
  const duration = 300 + (i % 2_000);
  const ts = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
  const fare = (5 + (i % 700) / 10).toFixed(2);
  return [
    i.toString(16).padStart(32, "0"),
    "2024-01-01",
    "yellow",
    1 + (i % 2),
    ts(pickup),
    ts(pickup + duration * 1000),
    i % 7 === 0 ? "\\N" : 1 + (i % 4),
    ((i % 300) / 10).toFixed(2),
    1,
    "N",
    1 + (i % 263),
    1 + ((i * 7) % 263),
    1 + (i % 4),
    fare,
    "0.50",
    "0.50",
    (i % 5).toFixed(2),
    "0.00",
    "1.00",
    (Number(fare) + 2 + (i % 5)).toFixed(2),
    "2.50",
    "\\N",
    "\\N",
    "\\N",
    "\\N",
    duration,
    "yellow_tripdata_2024-01.parquet",
  ].join("\t") + "\n"; // deno-fmt-ignore
}

async function writeFile(): Promise<number> {
  const file = await Deno.open(FILE, { create: true, write: true, truncate: true });
  const encoder = new TextEncoder();
  let bytes = 0;
  for (let i = 0; i < ROWS; i += 10_000) {
    let chunk = "";
    for (let j = i; j < Math.min(ROWS, i + 10_000); j++) chunk += line(j);
    const data = encoder.encode(chunk);
    bytes += data.length;
    await file.write(data);
  }
  file.close();
  return bytes;
}

/** The file as ~1 MiB chunks of whole lines. */
async function* fileChunks(): AsyncGenerator<string> {
  const file = await Deno.open(FILE);
  let rest = "";
  for await (const text of file.readable.pipeThrough(new TextDecoderStream())) {
    rest += text;
    if (rest.length < 1 << 20) continue;
    const cut = rest.lastIndexOf("\n") + 1;
    yield rest.slice(0, cut);
    rest = rest.slice(cut);
  }
  if (rest !== "") yield rest;
}

async function timed(label: string, fn: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await fn();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${label.padEnd(34)} ${seconds.toFixed(2).padStart(6)} s  ` +
      `${Math.round(ROWS / seconds).toLocaleString("en").padStart(9)} rows/s`,
  );
}

await Deno.mkdir("bench/out", { recursive: true });
const bytes = await writeFile();
console.log(`${ROWS.toLocaleString("en")} rows, ${(bytes / 2 ** 20).toFixed(0)} MiB of COPY text`);
const schemas = ["cf_bench_psql", "cf_bench_adapter"];
const stores = await Promise.all(schemas.map((schema) => PostgresStore.open({ url: URL, schema })));
try {
  const psql = async () => {
    const copy = `\\copy trips (${COLUMNS.join(",")}) from '${FILE}'`;
    const out = await new Deno.Command("psql", {
      args: [
        URL,
        "-v",
        "ON_ERROR_STOP=1",
        "-q",
        "-c",
        "set search_path to cf_bench_psql",
        "-c",
        copy,
      ],
    }).output();
    if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  };
  const adapter = async () => {
    const copied = await stores[1].copyIn("trips", COLUMNS, fileChunks());
    if (copied !== ROWS) throw new Error(`copied ${copied} rows, expected ${ROWS}`);
  };
  // Alternate the order: a checkpoint triggered by one run must not always hit the other.
  for (let round = 1; round <= 4; round++) {
    for (const store of stores) await store.exec("truncate trips; checkpoint");
    const runs: [string, () => Promise<void>][] = [["psql \\copy", psql], [
      "PostgresStore.copyIn",
      adapter,
    ]];
    if (round % 2 === 0) runs.reverse();
    for (const [label, run] of runs) await timed(`round ${round}: ${label}`, run);
  }
  const [a] = await stores[0].query("select count(*)::int as n, sum(total_amount) as s from trips");
  const [b] = await stores[1].query("select count(*)::int as n, sum(total_amount) as s from trips");
  console.log("same content:", JSON.stringify(a) === JSON.stringify(b), a, b);
} finally {
  for (const [i, store] of stores.entries()) {
    await store.exec(`drop schema ${schemas[i]} cascade`);
    await store.close();
  }
  await Deno.remove(FILE);
}
