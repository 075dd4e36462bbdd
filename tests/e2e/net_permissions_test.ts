/**
 * The tasks' network grant, end to end with the permissions deno.json declares:
 * loopback (IPv6 included) is reachable, any other host is refused with one
 * CF_CONFIG line that says how to grant it. 192.0.2.1 is TEST-NET-1, never
 * routed, and `.invalid` names never resolve: only the grant decides here.
 */
import assert from "node:assert/strict";
import { denoTask } from "../_support/deno_task.ts";
import { repoPath } from "../_support/fixtures.ts";
import { testName } from "../_support/services.ts";

const GRANT_HINT =
  /may reach only loopback \(127\.0\.0\.1, localhost, \[::1\]\); run the task's module with your hosts, e\.g\. "deno run --allow-net=<host>:<port> \.\.\. tasks\/<task>\.ts"/;

async function withDataDir(fn: (dataDir: string) => Promise<void>): Promise<void> {
  const dataDir = `.chillflow/${testName("e2e_net")}`;
  try {
    await fn(dataDir);
  } finally {
    await Deno.remove(repoPath(dataDir), { recursive: true }).catch(() => {});
  }
}

function assertRefused(stderr: string, task: string, service: string, where: string): void {
  const line = stderr.trim();
  assert.equal(line.split("\n").length, 1, line);
  assert.ok(
    line.startsWith(
      `${task}: CF_CONFIG: Cannot connect to ${service} at "${where}": the deno tasks`,
    ),
    line,
  );
  assert.match(line, GRANT_HINT);
}

Deno.test("e2e: a PostgreSQL host outside loopback is refused as a grant, by name or address", async () => {
  await withDataDir(async (dataDir) => {
    for (const host of ["db.example.invalid", "192.0.2.1"]) {
      const url = `postgres://postgres@${host}:5432/test`;
      const run = await denoTask(["zones", "--data-dir", dataDir], { env: { DATABASE_URL: url } });
      assert.equal(run.code, 1, run.stderr);
      assertRefused(run.stderr, "zones", "PostgreSQL", url);
    }
  });
});

Deno.test("e2e: a Kafka broker outside loopback is refused as a grant", async () => {
  await withDataDir(async (dataDir) => {
    const run = await denoTask(
      ["produce", "data/green_tripdata_2024-01.parquet", "--data-dir", dataDir],
      { env: { KAFKA_BROKERS: "192.0.2.1:9092" } },
    );
    assert.equal(run.code, 1, run.stderr);
    assertRefused(run.stderr, "produce", "Kafka", "192.0.2.1:9092");
  });
});

Deno.test("e2e: a Redis host outside loopback is refused as a grant", async () => {
  await withDataDir(async (dataDir) => {
    const url = "redis://cache.example.invalid:6379";
    const run = await denoTask(
      ["assemble", "--data-dir", dataDir, "--until-idle", "--idle-ms", "200"],
      { env: { REDIS_URL: url } },
    );
    assert.equal(run.code, 1, run.stderr);
    assertRefused(run.stderr, "assemble", "Redis", url);
  });
});

// Through Redis: postgres.js cannot parse a bracketed IPv6 host in a URL at all.
Deno.test("e2e: IPv6 loopback is granted: a closed port there is a connection failure, not a refusal", async () => {
  await withDataDir(async (dataDir) => {
    const run = await denoTask(
      ["assemble", "--data-dir", dataDir, "--until-idle", "--idle-ms", "200"],
      { env: { REDIS_URL: "redis://[::1]:1" } },
    );
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /^assemble: CF_CACHE_UNREACHABLE: Cannot connect to Redis at "redis:\/\/\[::1\]:1"/,
    );
  });
});
