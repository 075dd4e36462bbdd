import { MemoryCache } from "../../../../src/adapters/memory/cache.ts";
import { cacheSuite } from "../../../ports/cache_suite.ts";

cacheSuite("MemoryCache", () => MemoryCache.open());
