import assert from "node:assert/strict";
import { PgliteStore } from "../../../src/adapters/pglite/store.ts";
import { copyStatement, copyTextField, countCopyRows } from "../../../src/store/copy_text.ts";

const store = await PgliteStore.open({ dataDir: "memory://copy_text_test", schema: "copy_text" });

Deno.test("copyTextField() text loads back exactly through COPY", async () => {
  const values = [
    null,
    "",
    "\\N",
    "a\tb",
    "line\nbreak",
    "cr\rlf\r\n",
    "back\\slash",
    "\\\\t",
    "é 東京 🚕",
    " padded ",
    "N/A",
  ];
  await store.exec("create temp table t (i int, v text)");
  const chunk = values.map((v, i) => `${copyTextField(i)}\t${copyTextField(v)}\n`).join("");
  assert.equal(countCopyRows(chunk), values.length);
  assert.equal(
    await store.copyIn(
      "t",
      ["i", "v"],
      (async function* () {
        yield chunk;
      })(),
    ),
    values.length,
  ); // deno-fmt-ignore
  const rows = await store.query<{ v: string | null }>("select v from t order by i");
  assert.deepEqual(rows.map((r) => r.v), values);
});

Deno.test("copyTextField() writes numbers and booleans with String()", () => {
  assert.deepEqual([1.5, -0, 1e21, true, undefined].map(copyTextField), [
    "1.5",
    "0",
    "1e+21",
    "true",
    "\\N",
  ]);
});

Deno.test("countCopyRows() counts line ends only", () => {
  assert.equal(countCopyRows(""), 0);
  assert.equal(countCopyRows("a\\nb\tc\n"), 1);
  assert.equal(countCopyRows("1\n2\n3\n"), 3);
});

Deno.test("copyStatement() quotes names and refuses anything but plain identifiers", () => {
  assert.equal(
    copyStatement("trips", ["trip_key", "period"], "'/dev/blob'"),
    `copy "trips" ("trip_key", "period") from '/dev/blob'`,
  );
  assert.throws(() => copyStatement("trips; drop", ["a"], "stdin"), TypeError);
  assert.throws(() => copyStatement("trips", ["A"], "stdin"), TypeError);
  assert.throws(() => copyStatement("trips", [], "stdin"), /no columns/);
});
