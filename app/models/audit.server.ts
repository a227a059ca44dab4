import type { Executor } from "../../db/database";

export interface AuditEventInput {
  login: string;
  action: string;
  subject: string;
  stageId: string | null;
  before: unknown;
  after: unknown;
  occurredAt: string;
}

/** Stores one write; call it in the write's own transaction, so a write is never without its record. */
export async function insertAuditEvent(db: Executor, event: AuditEventInput): Promise<void> {
  await db
    .insertInto("auditEvents")
    .values({
      ...event,
      before: event.before === null ? null : JSON.stringify(event.before),
      after: event.after === null ? null : JSON.stringify(event.after),
    })
    .execute();
}

export interface AuditEvent {
  id: number;
  occurredAt: string;
  login: string;
  action: string;
  subject: string;
  stageId: string | null;
  before: unknown;
  after: unknown;
}

/** The newest events first. */
export async function listAuditEvents(db: Executor, { limit = 200 }: { limit?: number } = {}): Promise<AuditEvent[]> {
  const rows = await db
    .selectFrom("auditEvents")
    .select(["id", "occurredAt", "login", "action", "subject", "stageId", "before", "after"])
    .orderBy("occurredAt", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    ...row,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
  }));
}
