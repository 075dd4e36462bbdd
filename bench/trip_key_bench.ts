/**
 * Why `trip_key` hashes through hash-wasm's reused WebAssembly hasher
 * (`_sha256.ts`): per-row cost of the candidates on one canonical row
 * (~110 bytes).
 *
 *   deno bench bench/trip_key_bench.ts
 *
 * @module
 */
import { createHash } from "node:crypto";
import { sha256Prefix16 } from "../src/domain/curation/_sha256.ts";

const TEXT =
  "green|2|2024-01-01T00:57:55|2024-01-01T01:17:43|1|2.58|1|N|236|239|2|12.8|1|0.5|0|0|1|17.05|2.75|\\N|\\N|\\N|1";
const BYTES = new TextEncoder().encode(TEXT);
const OUT = new Uint8Array(16);

Deno.bench("node:crypto createHash('sha256') per row", { group: "trip_key" }, () => {
  createHash("sha256").update(TEXT).digest();
});

Deno.bench("crypto.subtle.digest per row (awaited)", { group: "trip_key" }, async () => {
  await crypto.subtle.digest("SHA-256", BYTES);
});

Deno.bench("sha256Prefix16 (hash-wasm, reused hasher)", {
  group: "trip_key",
  baseline: true,
}, () => {
  sha256Prefix16(BYTES, 0, BYTES.length, OUT, 0);
});
