import { type logCreator, logLevel } from "kafkajs";
import type { ResolvedKafkaBusOptions } from "./options.ts";

const LEVELS: Record<ResolvedKafkaBusOptions["logLevel"], logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

/** The kafkajs log level for our option. */
export function kafkaLogLevel(level: ResolvedKafkaBusOptions["logLevel"]): logLevel {
  return LEVELS[level];
}

/**
 * One plain stderr line per entry instead of kafkajs's JSON console logger.
 * Below debug it drops entries that are noise to us: kafkajs logs every
 * failed connection and error response at ERROR even when it retries (a
 * broker that is still loading its coordinators), and the failures that
 * matter reach the bus as rejected promises (`CF_BUS_UNREACHABLE`) anyway.
 * (kafkajs serves topics and consumer groups; publishing goes through
 * @platformatic/kafka, see `_producer.ts`.)
 */
export function quietLogCreator(level: ResolvedKafkaBusOptions["logLevel"]): logCreator {
  const verbose = level === "debug";
  return () => ({ namespace, level: entryLevel, label, log }) => {
    if (entryLevel > kafkaLogLevel(level)) return;
    const { message, error } = log as { message: string; error?: string };
    if (!verbose && _isNoise(namespace, `${message} ${error ?? ""}`)) return;
    console.error(`kafkajs ${label} ${message}${error === undefined ? "" : `: ${error}`}`);
  };
}

// A new group's coordinator takes a moment to load: the consumer restarts and joins.
const COORDINATOR_LOADING = /coordinator is (loading|not available)|not the correct coordinator/i;

function _isNoise(namespace: string, text: string): boolean {
  return namespace === "Connection" || namespace === "BrokerPool" ||
    (namespace === "Consumer" && COORDINATOR_LOADING.test(text));
}
