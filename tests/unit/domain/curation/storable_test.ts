import assert from "node:assert/strict";
import { isStorableText, unstorableField } from "../../../../src/domain/curation/storable.ts";
import { batchFromRows } from "../../../../src/domain/raw_trip_batch.ts";
import { sampleRow } from "../events/_row.ts";

const of = (overrides: Parameters<typeof sampleRow>[0]) =>
  unstorableField(batchFromRows([sampleRow(overrides)], { tripType: "green", sourceFile: "f" }), 0);

Deno.test("unstorableField() names the first value trips cannot hold", () => {
  assert.equal(of({}), undefined);
  assert.equal(of({ vendor_id: 2 ** 31 }), "vendor_id 2147483648, not a 32-bit integer");
  assert.equal(of({ payment_type: 1.5 }), "payment_type 1.5, not a 32-bit integer");
  assert.equal(of({ tip_amount: -1e10 }), "tip_amount -10000000000, too large for numeric(12,2)");
  assert.equal(
    of({ tip_amount: 9_999_999_999.99, ratecode_id: null, airport_fee: null }),
    undefined,
  );
  assert.equal(
    of({ pickup_ts: Date.UTC(10_000, 0, 1) }),
    "pickup_ts +010000-01-01T00:00:00.000Z, outside the years 1 to 9999",
  );
  assert.equal(
    of({ dropoff_ts: new Date(0).setUTCFullYear(0, 11, 31) }),
    "dropoff_ts 0000-12-31T00:00:00.000Z, outside the years 1 to 9999",
  );
  assert.equal(
    of({ pickup_ts: 9e15 }),
    "pickup_ts 9000000000000000 ms, outside the years 1 to 9999",
  );
  assert.equal(
    of({
      pickup_ts: new Date(0).setUTCFullYear(1, 0, 1),
      dropoff_ts: Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    }),
    undefined,
  );
  assert.equal(
    of({ store_and_fwd_flag: "Y\u0000" }),
    'store_and_fwd_flag "Y\\u0000", text PostgreSQL cannot hold',
  );
});

Deno.test("isStorableText() refuses NUL and lone surrogates, and nothing else", () => {
  assert.equal(isStorableText(""), true);
  assert.equal(isStorableText("Ünïcødé 🚕"), true);
  assert.equal(isStorableText("\u0000"), false);
  assert.equal(isStorableText("a\udc00"), false);
  assert.equal(isStorableText("\ud83d"), false);
});
