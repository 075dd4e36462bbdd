/**
 * Where the real services of integration tests live, and a reachability
 * check that fails with a message saying how to start them.
 *
 * Tests use the configured URL (`DATABASE_URL`, `REDIS_URL`, `KAFKA_BROKERS`)
 * or else the local default, when it answers. Only when no URL is configured,
 * nothing answers on the default and a Docker engine is reachable does
 * {@linkcode requireService} start a throwaway container with testcontainers
 * (imported lazily, so machines without Docker never load it): services that
 * `deno task services:up` just started are used, not shadowed by containers.
 *
 * @module
 */

/** A service an integration test can depend on. */
export type ServiceKind = "postgres" | "redis" | "kafka";

const DEFAULTS: Record<ServiceKind, { env: string; value: string }> = {
  postgres: { env: "DATABASE_URL", value: "postgres://postgres@127.0.0.1:5432/test" },
  redis: { env: "REDIS_URL", value: "redis://127.0.0.1:6379" },
  kafka: { env: "KAFKA_BROKERS", value: "127.0.0.1:19092" },
};

const DOCKER_SOCKET = "/var/run/docker.sock";
const PROBE_TIMEOUT_MS = 2_000;
const started = new Map<ServiceKind, Promise<string>>();

/**
 * The PostgreSQL URL: `DATABASE_URL`, else the local default.
 *
 * @example A PostgreSQL URL
 * ```ts
 * import { databaseUrl } from "./services.ts";
 * import assert from "node:assert";
 * assert.match(databaseUrl(), /^postgres(ql)?:\/\//);
 * ```
 */
export function databaseUrl(): string {
  return _configured("postgres") ?? DEFAULTS.postgres.value;
}

/**
 * The Redis URL: `REDIS_URL`, else the local default.
 *
 * @example A Redis URL
 * ```ts
 * import { redisUrl } from "./services.ts";
 * import assert from "node:assert";
 * assert.match(redisUrl(), /^rediss?:\/\//);
 * ```
 */
export function redisUrl(): string {
  return _configured("redis") ?? DEFAULTS.redis.value;
}

/**
 * The Kafka bootstrap brokers: `KAFKA_BROKERS` (comma separated), else the local default.
 *
 * @example At least one broker
 * ```ts
 * import { kafkaBrokers } from "./services.ts";
 * import assert from "node:assert";
 * assert.ok(kafkaBrokers().length > 0);
 * ```
 */
export function kafkaBrokers(): string[] {
  const raw = _configured("kafka") ?? DEFAULTS.kafka.value;
  return raw.split(",").map((broker) => broker.trim()).filter((broker) => broker !== "");
}

/**
 * Makes sure a service is reachable and returns its address (a URL, or the
 * comma-separated broker list for Kafka). Throws an Error saying how to start
 * the service when it is not reachable; tests must let that error fail them.
 *
 * @example Fail a test early when PostgreSQL is down
 * ```ts ignore
 * import { requireService } from "./services.ts";
 * const url = await requireService("postgres");
 * ```
 */
export async function requireService(kind: ServiceKind): Promise<string> {
  const configured = _configured(kind) !== undefined;
  const address = kind === "kafka" ? kafkaBrokers().join(",") : _url(kind);
  const [host, port] = _hostPort(kind, address);
  if (await _probe(host, port)) return address;
  if (!configured && await _dockerReachable()) {
    let container = started.get(kind);
    if (container === undefined) {
      container = import("./containers.ts").then((m) => m.startContainer(kind));
      started.set(kind, container);
    }
    return await container;
  }
  throw new Error(
    `${kind} is unreachable at ${host}:${port}: start the local services with ` +
      `\`deno task services:up\` (or set ${DEFAULTS[kind].env})`,
  );
}

/**
 * A unique, SQL- and Kafka-safe name for a test's schema, key prefix or topic:
 * `cf_test_<prefix_>` followed by 16 random hex digits.
 *
 * @example A fresh schema name
 * ```ts
 * import { testName } from "./services.ts";
 * import assert from "node:assert";
 * assert.match(testName("trips"), /^cf_test_trips_[0-9a-f]{16}$/);
 * ```
 */
export function testName(prefix = ""): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const safe = prefix.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return safe === "" ? `cf_test_${hex}` : `cf_test_${safe}_${hex}`;
}

function _url(kind: "postgres" | "redis"): string {
  return kind === "postgres" ? databaseUrl() : redisUrl();
}

/** The configured value, or undefined when unset or when env access was not granted. */
function _configured(kind: ServiceKind): string | undefined {
  const variable = DEFAULTS[kind].env;
  if (Deno.permissions.querySync({ name: "env", variable }).state !== "granted") return undefined;
  const value = Deno.env.get(variable)?.trim();
  return value === "" ? undefined : value;
}

function _hostPort(kind: ServiceKind, address: string): [string, number] {
  if (kind === "kafka") {
    const first = address.split(",")[0];
    const at = first.lastIndexOf(":");
    return [first.slice(0, at).replace(/^\[|\]$/g, ""), Number(first.slice(at + 1))];
  }
  const url = new URL(address);
  const port = url.port === "" ? (kind === "postgres" ? 5432 : 6379) : Number(url.port);
  return [url.hostname.replace(/^\[|\]$/g, ""), port];
}

async function _probe(hostname: string, port: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), PROBE_TIMEOUT_MS);
  });
  const connecting = Deno.connect({ hostname, port }).catch(() => null);
  try {
    const conn = await Promise.race([connecting, timeout]);
    if (conn === null) {
      // A connect that finishes after the timeout must still be closed.
      connecting.then((late) => late?.close());
      return false;
    }
    conn.close();
    return true;
  } finally {
    clearTimeout(timer);
  }
}

/** Docker counts as reachable when DOCKER_HOST is set or the default socket exists. */
async function _dockerReachable(): Promise<boolean> {
  const envState = Deno.permissions.querySync({ name: "env", variable: "DOCKER_HOST" }).state;
  if (envState === "granted" && (Deno.env.get("DOCKER_HOST") ?? "") !== "") return true;
  if (Deno.permissions.querySync({ name: "read", path: DOCKER_SOCKET }).state !== "granted") {
    return false;
  }
  try {
    return (await Deno.stat(DOCKER_SOCKET)).isSocket === true;
  } catch {
    return false;
  }
}
