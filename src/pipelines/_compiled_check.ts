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
  const ajv = new Ajv({ discriminator: true, unicodeRegExp: false });
  return ajv.compile<T>(json);
}
