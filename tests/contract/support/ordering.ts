// The documented order of each sort and the meaning of the list filters, computed independently
// of any SQL: what the pagination walks of the personal and the team lists compare pages with.
import type { SortOrder, Task, TaskSort, TaskStatus } from "@tandem/contracts";

/** A small deterministic PRNG (mulberry32), so a failure can be reproduced. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RANK = { low: 0, medium: 1, high: 2 } as const;
const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
const plain = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The documented order of each sort. */
export function comparator<T extends Task>(sort: TaskSort, order: SortOrder): (a: T, b: T) => number {
  const dir = order === "asc" ? 1 : -1;
  const byId = (a: T, b: T) => dir * plain(a.id, b.id);
  switch (sort) {
    case "created":
      return (a, b) => dir * plain(a.createdAt, b.createdAt) || byId(a, b);
    case "due":
      return (a, b) => {
        if ((a.dueAt === null) !== (b.dueAt === null)) return a.dueAt === null ? 1 : -1;
        return dir * plain(a.dueAt ?? "", b.dueAt ?? "") || byId(a, b);
      };
    case "priority":
      return (a, b) =>
        dir * (RANK[a.priority] - RANK[b.priority]) || -plain(a.createdAt, b.createdAt) || -plain(a.id, b.id);
    case "title":
      return (a, b) => dir * byCodePoint(a.title.toLowerCase(), b.title.toLowerCase()) || byId(a, b);
  }
}

export function matches(task: Task, status: TaskStatus, q?: string): boolean {
  if (status === "active" && task.completed) return false;
  if (status === "completed" && !task.completed) return false;
  if (q === undefined) return true;
  const needle = q.toLowerCase();
  return task.title.toLowerCase().includes(needle) || (task.description ?? "").toLowerCase().includes(needle);
}

/** What a list with these parameters must answer, in order. */
export function expected<T extends Task>(
  all: T[],
  sort: TaskSort,
  order: SortOrder,
  status: TaskStatus,
  q?: string,
): T[] {
  return all.filter((t) => matches(t, status, q)).sort(comparator<T>(sort, order));
}
