/** The last segment of a `/` or `\` separated path (no `node:path` in pure helpers). */
export function basename(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts.at(-1) || path;
}
