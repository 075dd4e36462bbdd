import assert from "node:assert/strict";
import { CURATION_REASONS } from "../../../../schemas/curation_reason.ts";
import { createCurationState, curateBatch } from "../../../../src/domain/curation/curate_batch.ts";
import { reasonOfCode } from "../../../../src/domain/curation/reasons.ts";
import { batchFromRows } from "../../../../src/domain/raw_trip_batch.ts";
import { injectReject } from "../../../../src/io/synth/inject_reject.ts";
import { createRng } from "../../../../src/io/synth/rng.ts";
import { cleanRow } from "./_rows.ts";

const bounds = { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 1, 1) };

for (const reason of CURATION_REASONS.filter((r) => r !== "duplicate")) {
  Deno.test(`injectReject() makes "${reason}" the first rule a clean row fails, in every variant`, () => {
    const rng = createRng(reason);
    const rows = 400;
    const batch = batchFromRows(
      Array.from({ length: rows }, (_, i) => cleanRow({ fare_amount: 10 + i })),
      {
        tripType: "green",
        sourceFile: "green_tripdata_2024-01.parquet",
      },
    );
    for (let i = 0; i < rows; i++) injectReject(batch, i, reason, { ...bounds, rng });
    const verdicts = curateBatch(batch, createCurationState({ period: "2024-01" }));
    for (let i = 0; i < rows; i++) {
      assert.equal(reasonOfCode(verdicts.codes[i]!), reason, `row ${i}`);
    }
  });
}
