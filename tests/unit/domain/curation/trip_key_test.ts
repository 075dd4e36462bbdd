import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { batchFromRows } from "../../../../src/domain/raw_trip_batch.ts";
import {
  canonicalText,
  isKeyHex,
  keyHex,
  tripKey,
  tripKeyDigests,
  writeKeyBytes,
} from "../../../../src/domain/curation/trip_key.ts";
import { BASE_ROW, row } from "./_rows.ts";

// Literals computed once outside the project:
//   printf '%s' '<text>' | sha256sum | cut -c1-32
const GREEN_TEXT =
  "green|2|2024-01-01T00:57:55|2024-01-01T01:17:43|1|2.58|1|N|236|239|2|12.8|1|0.5|0|0|1|17.05|2.75|\\N|\\N|\\N|1";
const GREEN_KEY = "299560aeca6fa8fab6565070311ebd07";
const YELLOW_ROW = row({
  trip_type: "yellow",
  vendor_id: 7,
  pickup_ts: Date.UTC(2025, 1, 28, 23, 59, 59, 500),
  dropoff_ts: Date.UTC(2025, 2, 1, 0, 7, 49),
  passenger_count: null,
  trip_distance: 0.1,
  ratecode_id: null,
  store_and_fwd_flag: null,
  pu_location_id: 264,
  do_location_id: 1,
  payment_type: 0,
  fare_amount: -0.5,
  extra: -0,
  mta_tax: 0.1 + 0.2,
  tip_amount: 0,
  tolls_amount: 0,
  improvement_surcharge: 1,
  total_amount: 1000,
  congestion_surcharge: null,
  airport_fee: 1.75,
  cbd_congestion_fee: 0.75,
  ehail_fee: null,
  trip_type_code: null,
});
const YELLOW_TEXT =
  "yellow|7|2025-02-28T23:59:59.500|2025-03-01T00:07:49|\\N|0.1|\\N|\\N|264|1|0|-0.5|0|0.30000000000000004|0|0|1|1000|\\N|1.75|0.75|\\N|\\N";
const YELLOW_KEY = "a3dd09bf3ea1496b67d51e27947edadc";

Deno.test("canonicalText() follows the documented form", () => {
  assert.equal(canonicalText(BASE_ROW), GREEN_TEXT);
  assert.equal(canonicalText(YELLOW_ROW), YELLOW_TEXT);
});

Deno.test("tripKey() gives the key computed independently with sha256sum", () => {
  assert.equal(tripKey(BASE_ROW), GREEN_KEY);
  assert.equal(tripKey(YELLOW_ROW), YELLOW_KEY);
});

Deno.test("tripKey() changes when any field changes", () => {
  assert.notEqual(tripKey(row({ tip_amount: 0.01 })), GREEN_KEY);
  assert.notEqual(tripKey(row({ store_and_fwd_flag: null })), GREEN_KEY);
  assert.notEqual(tripKey(row({ trip_type_code: null })), GREEN_KEY);
});

Deno.test("tripKeyDigests() agrees with node:crypto on varied rows of every length", () => {
  const rows = Array.from({ length: 300 }, (_, i) =>
    row({
      trip_distance: i / 7,
      fare_amount: i % 3 === 0 ? null : i * 1.01,
      store_and_fwd_flag: "é".repeat(i % 40),
      pickup_ts: Date.UTC(2024, 0, 1) + i * 1234.5,
      total_amount: i * 1e12,
    }));
  const batch = batchFromRows(rows, { tripType: "green", sourceFile: "g.parquet" });
  const digests = tripKeyDigests(batch);
  rows.forEach((r, i) => {
    const expected = createHash("sha256").update(canonicalText(r)).digest("hex").slice(0, 32);
    assert.equal(keyHex(digests, i), expected, `row ${i}: ${canonicalText(r)}`);
  });
});

Deno.test("canonicalText() writes numbers exactly as String()", () => {
  const values = [
    0,
    -0,
    1,
    -1,
    12.8,
    0.05,
    -132.5,
    1e21,
    1e-7,
    123456789012.34,
    2 ** 53,
    0.1 + 0.2,
  ];
  for (const value of values) {
    const text = canonicalText(row({ tip_amount: value }));
    assert.equal(text.split("|")[14], value === 0 ? "0" : String(value));
  }
});

Deno.test("writeKeyBytes() reads back what keyHex() wrote, and refuses anything else", () => {
  const digests = new Uint8Array(16 * 64);
  crypto.getRandomValues(digests);
  digests.fill(0, 0, 16);
  digests.fill(255, 16, 32);
  const out = new Uint8Array(digests.length + 16);
  for (let i = 0; i < 64; i++) writeKeyBytes(keyHex(digests, i), out, 16 * i + 16);
  assert.deepStrictEqual(out.subarray(16), digests);
  for (
    const text of [
      "",
      "0".repeat(31),
      "0".repeat(33),
      "A".repeat(32),
      "g" + "0".repeat(31),
      "0".repeat(31) + "é",
      "0".repeat(31) + "/",
    ]
  ) {
    assert.throws(() => writeKeyBytes(text, out, 0), SyntaxError, text);
  }
});

Deno.test("isKeyHex() tests what /^[0-9a-f]{32}$/ tests", () => {
  const hex = "0123456789abcdef0123456789abcdef";
  const edges = [
    hex,
    hex.toUpperCase(),
    hex.slice(1),
    hex + "0",
    hex + "\n",
    "\n" + hex.slice(1),
    "",
    ...["/", ":", "`", "g", "G", " ", "\u00b0", "\u00e9", "\u0130", "\uff10", "\ud83d"].map((c) =>
      hex.slice(0, 31) + c
    ),
    ...["\u0130", "\u0161", "\u0230", "\u1030"].map((c) => c + hex.slice(1)),
  ];
  let state = 7;
  const alphabet = "0123456789abcdefgABF/:`\u00b0\u0130";
  for (let i = 0; i < 2000; i++) {
    let text = "";
    for (let j = 0; j < 32 + (i % 3) - 1; j++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      text += alphabet[i % 4 === 0 ? state % alphabet.length : state % 16];
    }
    edges.push(text);
  }
  const regex = /^[0-9a-f]{32}$/;
  const matching = edges.filter((text) => regex.test(text)).length;
  assert.ok(
    matching > 500 && matching < edges.length - 500,
    `${matching} of ${edges.length} match`,
  );
  for (const text of edges) assert.equal(isKeyHex(text), regex.test(text), JSON.stringify(text));
});
