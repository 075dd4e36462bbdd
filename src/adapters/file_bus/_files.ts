import { ChillFlowError } from "../../errors.ts";

/** Writes `text` so readers see the old or the new content, never a mix (rename is atomic). */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, path);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}

/** Parsed JSON of `path`, or undefined when it does not exist. */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(path)) as T;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Runs `fn` holding an exclusive `flock` on `path` (created if missing). The OS
 * drops the lock when a holder dies, so a crash never leaves it stuck.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  using file = await onDisk(path, () => Deno.open(path, { create: true, write: true }));
  await onDisk(path, () => file.lock(true));
  try {
    return await fn();
  } finally {
    await file.unlock();
  }
}

/**
 * Runs a file operation of the bus, reporting a failing file system (read
 * only, full, not permitted) as `CF_BUS` naming `where`, as the Kafka bus
 * reports a failing broker; any other error passes unchanged.
 */
export async function onDisk<T>(where: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!_isFileSystemError(error)) throw error;
    throw new ChillFlowError("CF_BUS", `Cannot use the file bus at "${where}": ${error.message}`, {
      cause: error,
    });
  }
}

function _isFileSystemError(error: unknown): error is Error {
  if (!(error instanceof Error) || error instanceof ChillFlowError) return false;
  // Deno names the common kinds; others (read-only, disk full) carry the OS's number.
  return Object.values(Deno.errors).some((kind) => error instanceof kind) ||
    / \(os error \d+\)/.test(error.message);
}
