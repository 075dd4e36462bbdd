/**
 * Throwaway service containers for machines with a Docker engine and no
 * configured service URLs. Loaded lazily by `services.ts`, so testcontainers
 * is never imported where there is no Docker.
 *
 * @module
 */
import type { ServiceKind } from "./services.ts";

/**
 * Starts one container for `kind` and returns its address (URL, or the broker
 * list for Kafka). testcontainers' reaper removes it when the process exits.
 *
 * @example
 * ```ts ignore
 * import { startContainer } from "./containers.ts";
 * const url = await startContainer("redis");
 * ```
 */
export async function startContainer(kind: ServiceKind): Promise<string> {
  const { GenericContainer, Wait } = await import("testcontainers");
  if (kind === "postgres") {
    const pg = await new GenericContainer("postgres:17")
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: "trust", POSTGRES_DB: "test" })
      .withExposedPorts(5432)
      // The entrypoint restarts the server once after init; the second line is the real one.
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    return `postgres://postgres@${pg.getHost()}:${pg.getMappedPort(5432)}/test`;
  }
  if (kind === "redis") {
    const redis = await new GenericContainer("redis:7").withExposedPorts(6379).start();
    return `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`;
  }
  // Kafka advertises its own address, so the host port must equal the one it advertises.
  const port = _freePort();
  await new GenericContainer("apache/kafka:4.4.0")
    .withEnvironment({
      KAFKA_NODE_ID: "1",
      KAFKA_PROCESS_ROLES: "broker,controller",
      KAFKA_LISTENERS: `PLAINTEXT://:${port},CONTROLLER://:9093`,
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: "CONTROLLER",
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
      KAFKA_CONTROLLER_QUORUM_VOTERS: "1@localhost:9093",
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "1",
      KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: "1",
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "1",
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: "1",
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0",
    })
    .withExposedPorts({ container: port, host: port })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
  return `127.0.0.1:${port}`;
}

function _freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
