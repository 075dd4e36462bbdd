import { PostgresStore } from "../../src/adapters/postgres/store.ts";
import { kpiSqlSuite } from "../ports/kpi_sql_suite.ts";
import { requireService } from "../_support/services.ts";

kpiSqlSuite(
  "integration: PostgresStore:",
  async (schema) => PostgresStore.open({ url: await requireService("postgres"), schema }),
);
