import assert from "node:assert/strict";
import { parseZoneCsv, readZoneCsv, type ZoneRow } from "../../../src/io/zone_csv.ts";
import { ZONES_CURRENT, ZONES_OLDER } from "../../_support/fixtures.ts";

const HEADER = '"LocationID","Borough","Zone","service_zone"\r\n';

function count<K extends keyof ZoneRow>(rows: ZoneRow[], key: K): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[String(row[key])] = (counts[String(row[key])] ?? 0) + 1;
  return counts;
}

Deno.test("readZoneCsv() reads the current vintage with N/A kept as text", async () => {
  const rows = await readZoneCsv(ZONES_CURRENT);
  assert.equal(rows.length, 265);
  assert.deepEqual(rows.map((r) => r.locationId), Array.from({ length: 265 }, (_, i) => i + 1));
  assert.deepEqual(rows[0], {
    locationId: 1,
    borough: "EWR",
    zone: "Newark Airport",
    serviceZone: "EWR",
  });
  assert.deepEqual(rows[131], {
    locationId: 132,
    borough: "Queens",
    zone: "JFK Airport",
    serviceZone: "Airports",
  });
  assert.deepEqual(rows[137].zone, "LaGuardia Airport");
  assert.deepEqual(rows.slice(263), [
    { locationId: 264, borough: "Unknown", zone: "N/A", serviceZone: "N/A" },
    { locationId: 265, borough: "N/A", zone: "Outside of NYC", serviceZone: "N/A" },
  ]);
  assert.deepEqual(count(rows, "borough"), {
    Manhattan: 69,
    Queens: 69,
    Brooklyn: 61,
    Bronx: 43,
    "Staten Island": 20,
    EWR: 1,
    Unknown: 1,
    "N/A": 1,
  });
  assert.deepEqual(count(rows, "serviceZone"), {
    "Boro Zone": 205,
    "Yellow Zone": 55,
    Airports: 2,
    EWR: 1,
    "N/A": 2,
  });
  assert.deepEqual(rows.filter((r) => r.zone === "Corona").map((r) => r.locationId), [56, 57]);
  assert.ok(rows.some((r) => r.zone === "Governor's Island/Ellis Island/Liberty Island"));
});

Deno.test("readZoneCsv() reads the older vintage: it differs only in rows 264 and 265", async () => {
  const [older, current] = [await readZoneCsv(ZONES_OLDER), await readZoneCsv(ZONES_CURRENT)];
  assert.equal(older.length, 265);
  assert.deepEqual(older.slice(0, 263), current.slice(0, 263));
  assert.deepEqual(older.slice(263), [
    { locationId: 264, borough: "Unknown", zone: "NV", serviceZone: "N/A" },
    { locationId: 265, borough: "Unknown", zone: "NA", serviceZone: "N/A" },
  ]);
});

Deno.test("parseZoneCsv() accepts any header case, LF, quotes with commas and doubled quotes", () => {
  const text = 'locationid,BOROUGH,Zone,Service_Zone\n1,"A, B","say ""hi""\nthere",\n2,"",NA,NV';
  assert.deepEqual(parseZoneCsv(text, "z.csv"), [
    { locationId: 1, borough: "A, B", zone: 'say "hi"\nthere', serviceZone: "" },
    { locationId: 2, borough: "", zone: "NA", serviceZone: "NV" },
  ]);
  assert.equal(parseZoneCsv(`\uFEFF${HEADER}7,"a","b","c"\r\n\r\n`, "z.csv").length, 1);
});

Deno.test("parseZoneCsv() rejects a wrong header with one CF_ZONE_FILE line", () => {
  for (const header of ["LocationID,Borough,Zone", "location_id,borough,zone,service_zone"]) {
    assert.throws(() => parseZoneCsv(`${header}\n1,a,b,c\n`, "bad.csv"), {
      name: "ChillFlowError",
      code: "CF_ZONE_FILE",
      message: `Cannot read "bad.csv": header must be LocationID,Borough,Zone,service_zone, ` +
        `found ${header}`,
    });
  }
});

Deno.test("parseZoneCsv() rejects malformed rows, naming the line", () => {
  const cases: [string, string][] = [
    ["", "file is empty"],
    [HEADER, "no zone rows after the header"],
    [`${HEADER}1,"a","b"\r\n`, "line 2 has 3 fields, expected 4"],
    [`${HEADER}1,a,b,c\r\nx,a,b,c\r\n`, 'line 3: LocationID "x" is not a positive integer'],
    [`${HEADER}0,a,b,c\r\n`, 'line 2: LocationID "0" is not a positive integer'],
    [`${HEADER}1,a,b,c\r\n1,a,b,c\r\n`, "line 3: duplicate LocationID 1"],
    [`${HEADER}1,"a,b,c\r\n`, "line 2: quoted field is not closed"],
    [`${HEADER}1,"a"x,b,c\r\n`, "line 2: unexpected text after a closing quote"],
  ];
  for (const [text, reason] of cases) {
    assert.throws(() => parseZoneCsv(text, "z.csv"), {
      code: "CF_ZONE_FILE",
      message: `Cannot read "z.csv": ${reason}`,
    });
  }
});

Deno.test("readZoneCsv() reports a missing file with CF_ZONE_FILE", async () => {
  await assert.rejects(readZoneCsv("/nonexistent/zones.csv"), {
    code: "CF_ZONE_FILE",
    message: 'Cannot read "/nonexistent/zones.csv": file not found',
  });
});
