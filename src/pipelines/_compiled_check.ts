/**
 * Validity checks compiled from zod schemas, for the assembler's hot path.
 *
 * zod builds a new object for every value it parses, through a payload object
 * per field: about 1.6 KB per trip event, a fifth of everything the assembler
 * allocates per event, and most of its parsing time. ajv compiles the same
 * rules (`z.toJSONSchema`) into code that only reads the value, so a message
 * that passes is used as `JSON.parse` made it. zod stays the authority: a
 * value the check refuses goes to zod, which names the error (or, should the
 * two ever disagree, accepts it).
 *
 * @module
 */
import { z } from "zod";
import { isKeyHex } from "../domain/curation/trip_key.ts";

/** A type guard compiled from a zod schema: true only for values the schema accepts. */
export type CompiledCheck<T> = (value: unknown) => value is T;

/**
 * Compiles `schema` into a check that allocates nothing. For a
 * `z.discriminatedUnion`, pass its discriminator key: the check then tries
 * only the member that the key names, as zod does.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import assert from "node:assert";
 * import { compileCheck } from "./_compiled_check.ts";
 * const isPoint = await compileCheck(z.strictObject({ x: z.number(), y: z.number() }));
 * assert.equal(isPoint({ x: 1, y: 2 }), true);
 * assert.equal(isPoint({ x: 1, y: 2, z: 3 }), false);
 * ```
 */
export async function compileCheck<T>(
  schema: z.ZodType<T>,
  discriminator?: string,
): Promise<CompiledCheck<T>> {
  // Loaded here, not at module load: every task imports this module through
  // mod.ts, and only the assembler checks messages (ajv's import and this
  // compile took about 150 ms).
  const { Ajv } = await import("ajv");
  const json: Record<string, unknown> = z.toJSONSchema(schema, { target: "draft-07" });
  if (discriminator !== undefined) {
    Object.assign(json, { type: "object", discriminator: { propertyName: discriminator } });
  }
  // zod's regexes carry no flags; ajv's default "u" flag could read a pattern differently.
  // zod writes a union of types as `type: [...]`, which strict mode would warn about on stderr.
  const ajv = new Ajv({
    discriminator: true,
    unicodeRegExp: false,
    allowUnionTypes: true,
    code: { regExp: patternTest },
  });
  return ajv.compile<T>(json);
}

/** What ajv needs of a pattern: a RegExp, or an object that tests text the same way. */
export interface PatternTest {
  test(text: string): boolean;
  /** The RegExp's own text, `/pattern/flags`: ajv keys the patterns it compiles by it. */
  toString(): string;
}

const _HEX32_PATTERN = "^[0-9a-f]{32}$";

/**
 * ajv's `code.regExp`: `new RegExp(pattern, flags)`, except for the pattern
 * of trip keys and event ids, `^[0-9a-f]{32}$`, which gets `isKeyHex`: V8
 * runs that counted class as a loop with a backtracking step per character,
 * and its two tests per event cost about 0.9 µs of the assembler's parse and
 * check of a message (4.08-4.35 µs against 3.18-3.28, medians of ten passes
 * over 400,000 real messages, two runs). Its `toString` is the RegExp's, since
 * ajv keys the patterns
 * it compiles by it.
 *
 * @example
 * ```ts
 * import { patternTest } from "./_compiled_check.ts";
 * import assert from "node:assert";
 * const hex32 = patternTest("^[0-9a-f]{32}$", "");
 * assert.equal(hex32.test("0123456789abcdef0123456789abcdef"), true);
 * assert.equal(String(hex32), "/^[0-9a-f]{32}$/");
 * assert.ok(patternTest("^\\d+$", "") instanceof RegExp);
 * ```
 */
export function patternTest(pattern: string, flags: string): PatternTest {
  if (pattern !== _HEX32_PATTERN || flags !== "") return new RegExp(pattern, flags);
  return { test: isKeyHex, toString: () => `/${_HEX32_PATTERN}/` };
}
patternTest.code = "patternTest";
