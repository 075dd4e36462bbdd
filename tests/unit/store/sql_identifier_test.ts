import assert from "node:assert/strict";
import { quoteIdentifier, validateSchemaName } from "../../../src/store/sql_identifier.ts";

Deno.test("validateSchemaName() accepts plain lowercase identifiers up to 63 characters", () => {
  for (const name of ["chillflow", "_x", "cf_test_0123abcd", "a".repeat(63)]) {
    assert.equal(validateSchemaName(name), name);
  }
});

Deno.test("validateSchemaName() rejects anything else with CF_CONFIG", () => {
  for (
    const name of [
      "",
      "Chillflow",
      "1abc",
      "a-b",
      'a"b',
      "a b",
      "a".repeat(64),
      "pg_temp",
      "information_schema",
      "é",
    ]
  ) {
    assert.throws(
      () => validateSchemaName(name),
      { name: "ChillFlowError", code: "CF_CONFIG" },
      name,
    );
  }
});

Deno.test("quoteIdentifier() quotes plain names and throws TypeError otherwise", () => {
  assert.equal(quoteIdentifier("zone_hourly_kpis"), '"zone_hourly_kpis"');
  assert.throws(() => quoteIdentifier('x"; drop'), TypeError);
});
