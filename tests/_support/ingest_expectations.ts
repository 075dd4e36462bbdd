/**
 * Contract section 2's expected curation outcomes on the real samples
 * (computed independently of the project), shared by the ingest tests.
 *
 * @module
 */
import type { ReasonCounts } from "../../schemas/curation_reason.ts";
import { GREEN_2023_12, GREEN_2024_01, YELLOW_SAMPLE } from "./fixtures.ts";

/** One sample file and the counts a load of it must produce. */
export interface ExpectedLoad {
  path: string;
  file: string;
  period: string | null;
  /** The file's SHA-256, from `sha256sum`. */
  sha256: string;
  rowsRead: number;
  accepted: number;
  rejected: ReasonCounts;
}

function counts(partial: Partial<ReasonCounts>): ReasonCounts {
  return {
    missing_timestamp: 0,
    outside_period: 0,
    non_positive_duration: 0,
    duration_over_limit: 0,
    unknown_zone: 0,
    invalid_amount: 0,
    invalid_distance: 0,
    speed_over_limit: 0,
    invalid_passenger_count: 0,
    duplicate: 0,
    ...partial,
  };
}

/** The three real samples with their contract counts. */
export const EXPECTED_LOADS: readonly ExpectedLoad[] = [
  {
    path: GREEN_2024_01,
    file: "green_tripdata_2024-01.parquet",
    period: "2024-01",
    sha256: "1512a953bed564ac68dcb622827424dfb4f68ad93c2a4572e50ef6ab0b09c1ad",
    rowsRead: 56_551,
    accepted: 55_913,
    rejected: counts({
      outside_period: 2,
      non_positive_duration: 76,
      duration_over_limit: 198,
      invalid_amount: 184,
      invalid_distance: 44,
      speed_over_limit: 134,
    }),
  },
  {
    path: GREEN_2023_12,
    file: "green_tripdata_2023-12.parquet",
    period: "2023-12",
    sha256: "1c43ac95b8b416293ab0b2953824ee5321443fc4c47e4236f295424e48e7aea3",
    rowsRead: 64_215,
    accepted: 63_497,
    rejected: counts({
      outside_period: 4,
      non_positive_duration: 85,
      duration_over_limit: 262,
      invalid_amount: 188,
      invalid_distance: 46,
      speed_over_limit: 133,
    }),
  },
  {
    path: YELLOW_SAMPLE,
    file: "yellow_tripdata_sample.parquet",
    period: null,
    sha256: "a52f09b5fcee13547ce8dc7d9c3748b1cff866332e111816d2de0e7500a34bb7",
    rowsRead: 5_000,
    accepted: 4_719,
    rejected: counts({
      non_positive_duration: 7,
      invalid_amount: 273,
      invalid_distance: 1,
    }),
  },
];
