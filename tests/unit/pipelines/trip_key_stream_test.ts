import assert from "node:assert/strict";
import { tripKeyDigests } from "../../../src/domain/curation/trip_key.ts";
import { ChillFlowError } from "../../../src/errors.ts";
import { readTripBatches } from "../../../src/io/parquet/read_trip_batches.ts";
import { TripKeyStream } from "../../../src/pipelines/_trip_key_stream.ts";
import { GREEN_2024_01, repoPath, YELLOW_SAMPLE } from "../../_support/fixtures.ts";

Deno.test("TripKeyStream hands over each batch's trip keys, in the reader's order", async () => {
  for (const [path, tripType] of [[GREEN_2024_01, "green"], [YELLOW_SAMPLE, "yellow"]] as const) {
    using stream = new TripKeyStream(path, tripType);
    let batches = 0;
    for await (const batch of readTripBatches(path, { tripType })) {
      assert.deepEqual(await stream.next(), tripKeyDigests(batch), `batch ${batches}`);
      batches++;
    }
    assert.ok(batches > 0);
    await assert.rejects(stream.next(), /no more batches/);
  }
});

Deno.test("TripKeyStream passes on the reader's error with its code", async () => {
  using stream = new TripKeyStream(repoPath("tests/fixtures/tlc/missing.parquet"), "green");
  await assert.rejects(stream.next(), (error: unknown) => {
    assert.ok(error instanceof ChillFlowError);
    assert.equal(error.code, "CF_INPUT_FILE");
    return true;
  });
});
