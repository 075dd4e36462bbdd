import { readJsonIfExists, writeFileAtomic } from "./_files.ts";

/** A group's position in one partition: the next record's number and byte position. */
export interface CommittedOffset {
  offset: number;
  position: number;
}

/** The committed offset, or undefined when the group never committed in this partition. */
export function readOffset(path: string): Promise<CommittedOffset | undefined> {
  return readJsonIfExists<CommittedOffset>(path);
}

/** Commits atomically: a crash leaves the previous or the new offset. */
export function writeOffset(path: string, committed: CommittedOffset): Promise<void> {
  return writeFileAtomic(path, JSON.stringify(committed));
}
