// After a fault: is every acknowledged write there, exactly once? Asked of PostgreSQL directly (the
// truth) and, optionally, of the API (what the users would see).
import pg from "pg";
import type { AcknowledgedWrite, LoadReport } from "./load.ts";
import type { VirtualUser } from "./users.ts";

export interface Verification {
  /** Acknowledged writes whose row exists (same id, same owner). */
  found: number;
  missing: AcknowledgedWrite[];
  /** Extra rows for a title this run wrote: a write applied twice (by any retry, anywhere). */
  duplicates: number;
  /** Rows of this run that were never acknowledged (their POST got no answer, or a failure status). */
  unacknowledgedRows: number;
}

function judge(report: LoadReport, rows: { id: string; title: string; user_id: string }[]): Verification {
  const byTitle = new Map<string, { id: string; user_id: string }[]>();
  for (const row of rows) byTitle.set(row.title, [...(byTitle.get(row.title) ?? []), row]);
  const acknowledged = new Set(report.acknowledged.map((w) => w.title));
  const missing = report.acknowledged.filter(
    (w) => !(byTitle.get(w.title) ?? []).some((row) => row.id === w.id && row.user_id === w.userId),
  );
  let duplicates = 0;
  let unacknowledgedRows = 0;
  for (const [title, copies] of byTitle) {
    duplicates += copies.length - 1;
    if (!acknowledged.has(title)) unacknowledgedRows += 1;
  }
  return { found: report.acknowledged.length - missing.length, missing, duplicates, unacknowledgedRows };
}

/** Every row the run wrote, read from PostgreSQL (the `task` table of packages/db's migrations). */
export async function verifyInDatabase(databaseUrl: string, report: LoadReport): Promise<Verification> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; title: string; user_id: string }>(
      "select id, title, user_id from task where title like $1",
      [`${report.titlePrefix}-%`],
    );
    return judge(report, rows);
  } finally {
    await client.end();
  }
}

/** The same judgement from each user's own task list, through the API (paged, bounded). */
export async function verifyViaApi(
  apiUrl: string,
  users: VirtualUser[],
  report: LoadReport,
): Promise<Verification> {
  const rows: { id: string; title: string; user_id: string }[] = [];
  for (const user of users) {
    let cursor: string | null = null;
    for (let page = 0; page < 200; page++) {
      const query = new URLSearchParams({ limit: "100", q: report.titlePrefix });
      if (cursor !== null) query.set("cursor", cursor);
      const response = await fetch(`${apiUrl}/api/tasks?${query}`, {
        headers: { authorization: `Bearer ${user.token}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status !== 200)
        throw new Error(`listing tasks: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as {
        items: { id: string; title: string }[];
        nextCursor: string | null;
      };
      rows.push(...body.items.map((item) => ({ ...item, user_id: user.id })));
      cursor = body.nextCursor;
      if (cursor === null) break;
    }
  }
  return judge(report, rows);
}

/** The one line each fault test prints: `rolling restart: sent 1234, failed 0, …`. */
export function figures(report: LoadReport, verification: Verification, extra = ""): string {
  const reasons = Object.entries(report.failures)
    .map(([reason, count]) => `${reason} ×${count}`)
    .join(", ");
  return (
    `${report.label}: sent ${report.sent}, failed ${report.failed}${reasons ? ` (${reasons})` : ""}, ` +
    `writes acknowledged ${report.acknowledged.length}, found ${verification.found} ` +
    `(duplicates ${verification.duplicates})${extra ? `; ${extra}` : ""}`
  );
}
