/**
 * ChillFlow: NYC TLC taxi trip records to analytics, in batch and as a live
 * event stream, with identical results on both paths.
 *
 * The public surface:
 * - schemas (`RawTrip`, trip events, curation reasons) as TypeScript types with zod schemas;
 * - ports (`Store`, `Bus`, `Cache`) and `openStore` / `openBus` / `openCache`, which pick a
 *   real adapter (PostgreSQL, Kafka, Redis) or an embedded one (PGlite, file bus, memory);
 * - the contract's event mapping: `tripToEvents` splits an accepted row into its three
 *   events, `eventsToTrip` rebuilds the row and checks it as the assembler does (its
 *   `trip_key`, the curation rules, the event times), for producers and consumers of the
 *   topics written in other code;
 * - pipelines (`ingestFile`, `aggregateKpis`, `produceEvents`, `assembleTrips`,
 *   `verifySchemas`) that the `tasks/` modules wire to the command line.
 *
 * @example Ingest a month into embedded PostgreSQL and count the trips
 * ```ts ignore
 * import { ingestFile, openStore, resolveSettings } from "@chillflow/chillflow";
 * await using store = await openStore(resolveSettings({ schema: "demo" }));
 * const summary = await ingestFile(store, "data/green_tripdata_2024-01.parquet");
 * console.log(summary.accepted); // 55913
 * ```
 *
 * @module
 */
export * from "./schemas/raw_trip.ts";
export * from "./schemas/curation_reason.ts";
export * from "./schemas/trip_event.ts";
export * from "./src/ports/store.ts";
export * from "./src/ports/bus.ts";
export * from "./src/ports/cache.ts";
export {
  ChillFlowError,
  type ChillFlowErrorOptions,
  type ErrorCode,
  exitCodeOf,
  redact,
} from "./src/errors.ts";
export * from "./src/config.ts";
export * from "./src/runtime.ts";
export type { KafkaBusOptions } from "./src/adapters/kafka/options.ts";
export type { MigrateOnOpen } from "./src/store/migrate.ts";
export * from "./src/cli/task.ts";
export { type NumericField, type RawTripBatch, rowOf } from "./src/domain/raw_trip_batch.ts";
export { canonicalText, tripKey } from "./src/domain/curation/trip_key.ts";
export { isPeriod } from "./src/domain/curation/period.ts";
export { zeroReasonCounts } from "./src/domain/curation/reasons.ts";
export {
  readTripBatches,
  type ReadTripBatchesOptions,
} from "./src/io/parquet/read_trip_batches.ts";
export type { TripColumnField } from "./src/io/parquet/column_map.ts";
export { parseZoneCsv, readZoneCsv, type ZoneRow } from "./src/io/zone_csv.ts";
export {
  downloadMonths,
  type DownloadMonthsOptions,
  type MonthDownload,
} from "./src/io/download/download_months.ts";
export type { DownloadFileOptions, DownloadResult } from "./src/io/download/download_file.ts";
export { TLC_BASE_URL } from "./src/io/download/tlc_url.ts";
export {
  synthMonth,
  type SynthMonthOptions,
  type SynthMonthSummary,
} from "./src/io/synth/synth_month.ts";
export {
  ingestFile,
  type IngestOptions,
  type IngestSummary,
} from "./src/pipelines/ingest_month.ts";
export {
  aggregateKpis,
  type AggregateOptions,
  type AggregateSummary,
} from "./src/pipelines/aggregate_kpis.ts";
export { ensureZones, loadZones } from "./src/pipelines/load_zones.ts";
export type { ReplayDisorder } from "./src/domain/events/replay_plan.ts";
export {
  tripEvent,
  type TripEvents,
  type TripOrigin,
  tripToEvents,
} from "./src/domain/events/trip_to_events.ts";
export { type CompleteEvents, eventsToTrip } from "./src/domain/events/events_to_trip.ts";
export {
  produceEvents,
  type ProduceOptions,
  type ProduceSummary,
} from "./src/pipelines/produce_events.ts";
export {
  type AssembleOptions,
  type AssemblePorts,
  type AssembleSummary,
  assembleTrips,
} from "./src/pipelines/assemble_trips.ts";
export {
  renderVerifyReport,
  type TableDifference,
  VERIFY_SAMPLE_MAX,
  type VerifyOptions,
  type VerifyReport,
  verifySchemas,
} from "./src/pipelines/verify.ts";
