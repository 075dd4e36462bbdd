/**
 * Reads the TLC taxi zone lookup CSV (`taxi_zone_lookup.csv`, or the older
 * `taxi+_zone_lookup.csv`). Every field stays a string: `N/A`, `NA` and `NV`
 * are zone names, not missing values.
 *
 * @module
 */

import { ChillFlowError } from "../errors.ts";

/** One row of the zone lookup. */
export interface ZoneRow {
  /** TLC zone id (`LocationID`), a positive integer. */
  locationId: number;
  /** Borough, e.g. `Queens`, `Unknown`, `N/A`. */
  borough: string;
  /** Zone name (not unique: join on `locationId`). */
  zone: string;
  /** Service zone, e.g. `Yellow Zone`, `Airports`, `N/A`. */
  serviceZone: string;
}

const HEADER = ["locationid", "borough", "zone", "service_zone"];

/**
 * Parses the zone lookup: RFC 4180 (quoted fields, `""` escapes, CRLF or LF),
 * header `LocationID,Borough,Zone,service_zone` in any letter case.
 *
 * @param text The file's contents.
 * @param fileName The file name, for error messages.
 * @returns The rows, in file order.
 * @throws {ChillFlowError} `CF_ZONE_FILE` for a wrong header, a malformed line,
 * a bad or duplicate `LocationID`, or no rows.
 *
 * @example Parse the current vintage's format
 * ```ts
 * import { parseZoneCsv } from "./zone_csv.ts";
 * import assert from "node:assert";
 * const rows = parseZoneCsv('"LocationID","Borough","Zone","service_zone"\r\n265,"N/A","Outside of NYC","N/A"\r\n', "z.csv");
 * assert.deepEqual(rows, [{ locationId: 265, borough: "N/A", zone: "Outside of NYC", serviceZone: "N/A" }]);
 * ```
 */
export function parseZoneCsv(text: string, fileName: string): ZoneRow[] {
  const fail = (what: string): never => {
    throw new ChillFlowError("CF_ZONE_FILE", `Cannot read "${fileName}": ${what}`);
  };
  // Blank lines carry no zone; skipping them tolerates a trailing empty line.
  const records = _parseCsv(text.replace(/^\uFEFF/, ""), fail)
    .filter(({ fields }) => fields.length > 1 || fields[0] !== "");
  const header = records.shift();
  if (header === undefined) return fail("file is empty");
  if (header.fields.map((f) => f.toLowerCase()).join(",") !== HEADER.join(",")) {
    fail(`header must be LocationID,Borough,Zone,service_zone, found ${header.fields.join(",")}`);
  }
  const seen = new Set<number>();
  const rows = records.map(({ line, fields }) => {
    if (fields.length !== 4) fail(`line ${line} has ${fields.length} fields, expected 4`);
    const [id, borough, zone, serviceZone] = fields;
    const locationId = Number(id);
    if (!/^\d+$/.test(id) || locationId < 1 || locationId > 2_147_483_647) {
      fail(`line ${line}: LocationID "${id}" is not a positive integer`);
    }
    if (seen.has(locationId)) fail(`line ${line}: duplicate LocationID ${locationId}`);
    seen.add(locationId);
    return { locationId, borough, zone, serviceZone };
  });
  if (rows.length === 0) fail("no zone rows after the header");
  return rows;
}

/**
 * Reads and parses a zone lookup file.
 *
 * @param path The CSV path.
 * @returns The rows, in file order.
 * @throws {ChillFlowError} `CF_ZONE_FILE` when the file cannot be read or is malformed.
 *
 * @example
 * ```ts ignore
 * const zones = await readZoneCsv("data/taxi_zone_lookup.csv");
 * ```
 */
export async function readZoneCsv(path: string): Promise<ZoneRow[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? "file not found"
      : error instanceof Deno.errors.IsADirectory
      ? "is a directory"
      : (error as Error).message;
    throw new ChillFlowError("CF_ZONE_FILE", `Cannot read "${path}": ${reason}`, { cause: error });
  }
  return parseZoneCsv(text, path);
}

interface _Record {
  line: number;
  fields: string[];
}

/** RFC 4180 records, each with the 1-based line it starts on; the last line break is optional. */
function _parseCsv(text: string, fail: (what: string) => never): _Record[] {
  const records: _Record[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let start = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    records.push({ line: start, fields });
    fields = [];
    field = "";
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === "") {
      const quoteLine = line;
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) fail(`line ${quoteLine}: quoted field is not closed`);
        field += text.slice(j, q);
        line += text.slice(j, q).split("\n").length - 1;
        if (text[q + 1] !== '"') {
          i = q + 1;
          break;
        }
        field += '"';
        j = q + 2;
      }
      if (i < text.length && !",\r\n".includes(text[i])) {
        fail(`line ${line}: unexpected text after a closing quote`);
      }
      continue;
    }
    if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      endRecord();
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      start = ++line;
      continue;
    } else {
      field += c;
    }
    i++;
  }
  if (field !== "" || fields.length > 0) endRecord();
  return records;
}
