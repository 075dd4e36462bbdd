import assert from "node:assert/strict";
import { clientOptions } from "../../../../src/adapters/postgres/options.ts";
import { _toStoreError } from "../../../../src/adapters/postgres/_errors.ts";

const password = (url: string) => (clientOptions({ url, schema: "cf" }).password as () => string)();

Deno.test("clientOptions() reads the password of a URL with several hosts, and one holding a raw '@'", () => {
  assert.equal(password("postgres://u:secret@127.0.0.1:5432,localhost:5433/db"), "secret");
  assert.equal(password("postgres://u:p@ss@127.0.0.1:5432/db"), "p@ss");
  assert.equal(password("postgres://u:p%2Fs@127.0.0.1/db"), "p/s");
  assert.throws(() => clientOptions({ url: "postgres://h1,h2/db", schema: "cf" }), /no user/);
});

Deno.test("clientOptions() refuses Unix sockets and sslmode values postgres.js does not know", () => {
  for (
    const url of [
      "postgres://postgres@localhost/test?host=/var/run/postgresql",
      "postgres://postgres@%2Fvar%2Frun%2Fpostgresql/test",
    ]
  ) {
    assert.throws(
      () => clientOptions({ url, schema: "cf" }),
      /Unix sockets are not supported/,
      url,
    );
  }
  assert.throws(
    () => clientOptions({ url: "postgres://u@h/db?sslmode=bogus", schema: "cf" }),
    /sslmode "bogus" is not one of disable, allow, prefer, require, verify-full/,
  );
  const tls = clientOptions({ url: "postgres://u@h/db?sslmode=require", schema: "cf" });
  assert.equal("ssl" in tls, false, "postgres.js reads sslmode from the URL itself");
});

Deno.test("_toStoreError() names a setting the server refused, and TLS the server may lack", () => {
  const refused = Object.assign(new Error('unrecognized configuration parameter "sslmod"'), {
    code: "42704",
  });
  const config = _toStoreError(refused, "postgres://u:pw@h/db?sslmod=require") as Error & {
    code: string;
  };
  assert.equal(config.code, "CF_CONFIG");
  assert.match(config.message, /refused a setting of the URL's query: unrecognized/);
  assert.doesNotMatch(config.message, /pw/);
  const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
  const tls = _toStoreError(reset, "postgres://u@h/db?sslmode=require") as Error;
  assert.match(
    tls.message,
    /the URL asks for TLS \(sslmode=require\): does the server accept it\?/,
  );
  const plain = _toStoreError(reset, "postgres://u@h/db") as Error;
  assert.match(plain.message, /deno task services:up/);
});
