/**
 * `deno task bench [name...]`: runs every benchmark (or the named ones) as
 * its own process (so each one's peak memory is its own) and writes their
 * markdown sections, side by side with the baselines each measured in the
 * same run, to BENCHMARKS.md; sections of benchmarks not run are kept.
 *
 * @module
 */
import os from "node:os";

// Rows of the synthesized month each benchmark replays (the issues ask for 3,000,000);
// BENCH_STREAM_ROWS lowers the stream one, whose kafkajs baseline needs minutes per million rows.
const BENCHES = [
  { file: "bench/ingest_bench.ts", title: "Batch ingest (issue 3)", rows: "3000000" },
  {
    file: "bench/stream_bench.ts",
    title: "Stream replay (issue 4)",
    rows: Deno.env.get("BENCH_STREAM_ROWS") ?? "3000000",
  },
];
const PERMISSIONS = [
  "--allow-run",
  "--allow-read",
  "--allow-write",
  "--allow-net=127.0.0.1,localhost",
  "--allow-env",
  "--allow-sys",
  // @platformatic/kafka would ask for its optional native CRC32C; denied, it uses WebAssembly.
  "--deny-ffi",
];

/** A benchmark's name on the command line: `bench/ingest_bench.ts` is `ingest`. */
const benchName = (file: string) => file.replace(/^bench\/|_bench\.ts$/g, "");

const only = Deno.args.filter((a) => !a.startsWith("-"));
const unknown = only.filter((name) => !BENCHES.some((bench) => bench.file.includes(name)));
if (unknown.length > 0) {
  // Running nothing would only re-date BENCHMARKS.md.
  console.error(
    `bench: no benchmark named ${unknown.join(", ")}; known: ${
      BENCHES.map((b) => benchName(b.file)).join(", ")
    }`,
  );
  Deno.exit(2);
}
// Sections of earlier runs stay in the file: each names the machine it ran on.
const MACHINE = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${
  (os.totalmem() / 2 ** 30).toFixed(0)
} GiB, ${Deno.build.os}/${Deno.build.arch}, Deno ${Deno.version.deno}`;
// Sections of benchmarks not run this time are kept as they were, each with its own date.
const sections = new Map<string, string>(
  (await Deno.readTextFile("BENCHMARKS.md").catch(() => ""))
    .split(/^(?=## )/m)
    .filter((part) => part.startsWith("## "))
    .map((part) => [part.slice(3, part.indexOf("\n")), part.trim()]),
);
let failed = false;
for (const bench of BENCHES) {
  if (only.length && !only.some((o) => bench.file.includes(o))) continue;
  console.error(`bench: running ${bench.file} ...`);
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, bench.file, bench.rows],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const body = new TextDecoder().decode(out.stdout).trim();
  if (out.code !== 0) failed = true;
  sections.set(
    bench.title,
    `## ${bench.title}\n\n` +
      (out.code === 0 ? body : `**FAILED** (exit ${out.code}); partial output:\n\n${body}`) +
      `\n\n_Ran ${new Date().toISOString()} on ${MACHINE}. Reproduce: \`${
        bench.rows === "3000000" ? "" : `BENCH_STREAM_ROWS=${bench.rows} `
      }deno task bench ${benchName(bench.file)}\` (${seconds} s)._`,
  );
}

const header = [
  "# Benchmarks",
  "",
  "Written by `deno task bench` (bench/run.ts). Every figure is measured in one run on one machine,",
  "next to its baseline measured in the same run against the same servers. Tests check correctness,",
  "not timings; these numbers are the speed and memory targets' evidence, met or not. Sections run",
  "at different times may come from different machines: each says when and where it ran.",
  "",
  `- written: ${new Date().toISOString()}`,
  "",
].join("\n");
const ordered = BENCHES.map((b) => sections.get(b.title)).filter((part) => part !== undefined);
await Deno.writeTextFile("BENCHMARKS.md", `${header}\n${ordered.join("\n\n")}\n`);
// Aligned tables and wrapped lines, so that `deno fmt --check` (deno task quality) stays clean.
await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", "BENCHMARKS.md"] }).output();
console.error("bench: wrote BENCHMARKS.md");
if (failed) Deno.exit(1);
