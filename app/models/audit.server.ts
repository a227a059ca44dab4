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

/** A stored write, with `before` and `after` parsed back from JSON. */
export interface AuditEvent extends AuditEventInput {
  id: number;
}

/** The newest events first, optionally of one stage or by one login. */
export async function listAuditEvents(
  db: Executor,
  { stageId, login, limit = 200 }: { stageId?: string; login?: string; limit?: number } = {},
): Promise<AuditEvent[]> {
  let query = db
    .selectFrom("auditEvents")
    .select(["id", "occurredAt", "login", "action", "subject", "stageId", "before", "after"])
    .orderBy("occurredAt", "desc")
    .orderBy("id", "desc")
    .limit(limit);
  if (stageId) query = query.where("stageId", "=", stageId);
  if (login) query = query.where((eb) => eb(eb.fn("lower", ["login"]), "=", login.toLowerCase()));
  const rows = await query.execute();
  return rows.map((row) => ({
    ...row,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
  }));
}
