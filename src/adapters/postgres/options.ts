/**
 * Connection options of the PostgreSQL Store adapter, in one place.
 *
 * @module
 */

import type postgres from "postgres";
import { serializeJsonParam, serializeParam, TEXT_RESULT_OIDS } from "../../store/text_results.ts";
import type { MigrateOnOpen } from "../../store/migrate.ts";

/** Options of `PostgresStore.open()`. */
export interface PostgresStoreOptions {
  /** Connection URL, e.g. `postgres://postgres@127.0.0.1:5432/test`. */
  url: string;
  /** Schema every unqualified name resolves to; created and migrated on open. */
  schema: string;
  /**
   * Create and migrate the schema on open; `"existing"` migrates only a schema
   * that exists (refusing a missing one); `false` only connects (read-only
   * tasks). @default true
   */
  migrate?: MigrateOnOpen;
  /** Maximum pooled connections (default 4). */
  max?: number;
  /** Seconds to wait for a connection before giving up (default 10). */
  connectTimeoutSeconds?: number;
}

/**
 * The postgres.js options for a store bound to `schema`.
 *
 * @param options The store options (schema already validated).
 * @returns Options for `postgres(url, options)`.
 * @throws {Error} When the URL names no user.
 *
 * @example
 * ```ts
 * import { clientOptions } from "./options.ts";
 * import assert from "node:assert";
 * const opts = clientOptions({ url: "postgres://u@h/db", schema: "cf" });
 * assert.equal(opts.connection?.search_path, '"cf"');
 * assert.equal(opts.port, 5432); // libpq's default, not PGPORT
 * assert.throws(() => clientOptions({ url: "postgres://h/db", schema: "cf" }), /no user/);
 * ```
 */
export function clientOptions(
  options: PostgresStoreOptions,
): postgres.Options<Record<string, postgres.PostgresType>> {
  return {
    ..._withoutEnvFallbacks(options.url),
    max: options.max ?? 4,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    idle_timeout: 30,
    // Startup parameters apply to every pooled connection, including reconnects.
    connection: {
      search_path: `"${options.schema}"`,
      TimeZone: "UTC",
      application_name: "chillflow",
    },
    onnotice: () => {},
    transform: { undefined: null },
    types: {
      chillflowText: {
        to: 25,
        from: [...TEXT_RESULT_OIDS],
        serialize: serializeParam,
        parse: (raw: string) => raw,
      },
      // postgres.js would stringify a JSON text parameter again (a JSON string scalar).
      chillflowJson: {
        to: 3802,
        from: [114, 3802],
        serialize: serializeJsonParam,
        parse: (raw: string) => JSON.parse(raw),
      },
    },
  };
}

// The sslmode values postgres.js understands (libpq's verify-ca it does not).
const SSL_MODES = ["disable", "allow", "prefer", "require", "verify-full"];

/**
 * The URL as postgres.js reads it: a list of hosts (`h1:5432,h2:5432`), which
 * `URL` cannot parse, stands for its first.
 */
function _parseUrl(url: string): URL | undefined {
  const start = url.indexOf("://") + 3;
  const authority = url.slice(start).split(/[?/]/)[0]!;
  const hosts = authority.slice(authority.lastIndexOf("@") + 1);
  const single = hosts.includes(",")
    ? url.slice(0, start) + authority.slice(0, authority.length - hosts.length) +
      hosts.split(",")[0] + url.slice(start + authority.length)
    : url;
  return URL.canParse(single) ? new URL(single) : undefined;
}

/**
 * postgres.js reads a `PG*` environment variable for every option it is not
 * given, which would make each task need `--allow-env` for a dozen names and
 * let stray variables change behaviour. Giving its defaults explicitly leaves
 * two reads (`PGAPPNAME`, `PGTARGETSESSIONATTRS`). Options set in the URL's
 * query string (`?sslmode=require`) are left for postgres.js to read there.
 * A URL without a port means 5432, without a database the user's name; one
 * without a user is refused.
 */
function _withoutEnvFallbacks(url: string): Record<string, unknown> {
  const parsed = _parseUrl(url);
  const query = new Set(parsed?.searchParams.keys() ?? []);
  if (query.has("host") || parsed?.hostname.includes("%2F")) {
    throw new Error(
      "Unix sockets are not supported; give the server's TCP address " +
        "(postgres://USER@127.0.0.1:5432/DATABASE)",
    );
  }
  const sslmode = parsed?.searchParams.get("sslmode");
  if (sslmode != null && !SSL_MODES.includes(sslmode)) {
    throw new Error(`sslmode "${sslmode}" is not one of ${SSL_MODES.join(", ")}`);
  }
  if (query.has("sslmode") || query.has("sslrootcert")) query.add("ssl");
  const defaults: Record<string, unknown> = {
    ssl: false,
    sslnegotiation: null,
    max_lifetime: 60 * (30 + Math.random() * 30),
    max_pipeline: 100,
    backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(3 ** retries / 100, 20),
    keep_alive: 60,
    prepare: true,
    debug: false,
    fetch_types: true,
    publications: "alltables",
    target_session_attrs: null,
    // A function is truthy, so an empty URL password does not fall back to PGPASSWORD.
    password: () => decodeURIComponent(parsed?.password ?? ""),
  };
  // Parts the URL leaves out: libpq's defaults, given here so that postgres.js reads no
  // PGPORT or PGDATABASE. Without a user it would ask the OS (or PGUSER): refused.
  if (parsed !== undefined) {
    if (parsed.username === "") {
      throw new Error("it names no user (write postgres://USER@HOST:PORT/DATABASE)");
    }
    if (parsed.port === "") defaults.port = 5432;
    if (parsed.pathname.length <= 1) defaults.database = decodeURIComponent(parsed.username);
  }
  return Object.fromEntries(Object.entries(defaults).filter(([key]) => !query.has(key)));
}
