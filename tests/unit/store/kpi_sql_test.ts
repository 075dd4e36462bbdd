import { PgliteStore } from "../../../src/adapters/pglite/store.ts";
import { kpiSqlSuite } from "../../ports/kpi_sql_suite.ts";

// One in-memory database for the file (opening PGlite takes seconds); a schema per test.
const DATA_DIR = "memory://kpi_sql_test";
await PgliteStore.open({ dataDir: DATA_DIR, schema: "keeper" });

kpiSqlSuite("PgliteStore:", (schema) => PgliteStore.open({ dataDir: DATA_DIR, schema }));
