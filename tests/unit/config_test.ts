import assert from "node:assert/strict";
import { resolveSettings } from "../../src/config.ts";
import { ChillFlowError } from "../../src/errors.ts";

function withEnv(vars: Record<string, string | undefined>, fn: () => void): void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, Deno.env.get(k)]));
  try {
    for (const [k, v] of Object.entries(vars)) {
      v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    }
    fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    }
  }
}

const NONE = {
  DATABASE_URL: undefined,
  KAFKA_BROKERS: undefined,
  REDIS_URL: undefined,
  CHILLFLOW_SCHEMA: undefined,
  CHILLFLOW_DATA_DIR: undefined,
};

Deno.test("resolveSettings() selects embedded adapters when nothing is set", () => {
  withEnv(NONE, () => {
    assert.deepEqual(resolveSettings(), { schema: "chillflow", dataDir: ".chillflow" });
  });
});

Deno.test("resolveSettings() reads the environment and lets flags win", () => {
  withEnv({
    ...NONE,
    DATABASE_URL: "postgres://u:pw@db:5432/x",
    KAFKA_BROKERS: "k1:9092, k2:9092",
    REDIS_URL: "redis://r:6379",
    CHILLFLOW_SCHEMA: "from_env",
  }, () => {
    const settings = resolveSettings({ schema: "from_flag", redisUrl: "redis://other:1" });
    assert.equal(settings.databaseUrl, "postgres://u:pw@db:5432/x");
    assert.deepEqual(settings.kafkaBrokers, ["k1:9092", "k2:9092"]);
    assert.equal(settings.redisUrl, "redis://other:1");
    assert.equal(settings.schema, "from_flag");
  });
});

Deno.test("resolveSettings() treats empty variables as unset", () => {
  withEnv({ ...NONE, DATABASE_URL: "  ", KAFKA_BROKERS: "" }, () => {
    const settings = resolveSettings();
    assert.equal(settings.databaseUrl, undefined);
    assert.equal(settings.kafkaBrokers, undefined);
  });
});

Deno.test("resolveSettings() treats empty flags as unset: each falls back to its variable", () => {
  withEnv({
    ...NONE,
    DATABASE_URL: "postgres://db:5432/x",
    KAFKA_BROKERS: "k1:9092",
    REDIS_URL: "redis://r:6379",
    CHILLFLOW_SCHEMA: "from_env",
  }, () => {
    const settings = resolveSettings({
      databaseUrl: "",
      kafkaBrokers: "",
      redisUrl: "",
      schema: "",
    });
    assert.equal(settings.databaseUrl, "postgres://db:5432/x");
    assert.deepEqual(settings.kafkaBrokers, ["k1:9092"]);
    assert.equal(settings.redisUrl, "redis://r:6379");
    assert.equal(settings.schema, "from_env");
  });
});

Deno.test("resolveSettings() rejects malformed values without echoing secrets", () => {
  withEnv(NONE, () => {
    assert.throws(
      () => resolveSettings({ databaseUrl: "mysql://u:hunter2@h/db" }),
      (e: unknown) =>
        e instanceof ChillFlowError && e.code === "CF_CONFIG" &&
        e.message.includes("databaseUrl") &&
        !e.message.includes("hunter2"),
    );
    assert.throws(() => resolveSettings({ schema: "Robert'); drop" }), /schema/);
    assert.throws(() => resolveSettings({ kafkaBrokers: "nohostport" }), /kafkaBrokers/);
  });
});
