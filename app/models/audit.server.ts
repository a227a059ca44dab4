import type { Executor } from "../../db/database";

export interface AuditEventInput {
  login: string;
  action: string;
  subject: string;
  stageId: string | null;
  before: unknown;
  after: unknown;
  occurredAt: string;
  /** The people the write is about (a plan's mentor and mentee, a correction's people). */
  personIds?: number[];
}

/** Stores one write; call it in the write's own transaction, so a write is never without its record. */
export async function insertAuditEvent(db: Executor, { personIds = [], ...event }: AuditEventInput): Promise<void> {
  const { id } = await db
    .insertInto("auditEvents")
    .values({
      ...event,
      before: event.before === null ? null : JSON.stringify(event.before),
      after: event.after === null ? null : JSON.stringify(event.after),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const people = [...new Set(personIds)];
  if (people.length > 0) {
    await db
      .insertInto("auditEventPeople")
      .values(people.map((personId) => ({ eventId: id, personId })))
      .execute();
  }
}

/** A stored write, with `before` and `after` parsed back from JSON. */
export interface AuditEvent extends AuditEventInput {
  id: number;
}

/** The newest events first, optionally of one stage, by one login, or about one person. */
export async function listAuditEvents(
  db: Executor,
  {
    stageId,
    login,
    personId,
    limit = 200,
  }: { stageId?: string; login?: string; personId?: number; limit?: number } = {},
): Promise<AuditEvent[]> {
  let query = db
    .selectFrom("auditEvents")
    .select(["id", "occurredAt", "login", "action", "subject", "stageId", "before", "after"])
    .orderBy("occurredAt", "desc")
    .orderBy("id", "desc")
    .limit(limit);
  if (stageId) query = query.where("stageId", "=", stageId);
  if (login) query = query.where((eb) => eb(eb.fn("lower", ["login"]), "=", login.toLowerCase()));
  if (personId !== undefined) {
    query = query.where("id", "in", (eb) =>
      eb.selectFrom("auditEventPeople").select("eventId").where("personId", "=", personId),
    );
  }
  const rows = await query.execute();
  return rows.map((row) => ({
    ...row,
    before: row.before === null ? null : (JSON.parse(row.before) as unknown),
    after: row.after === null ? null : (JSON.parse(row.after) as unknown),
  }));
}

/**
 * The events an /audit filter asks for: `about` names a person by login, and a login Steward does not
 * know is about nobody (an empty list, not every event).
 */
export async function listFilteredAuditEvents(
  db: Executor,
  { about, ...filter }: { stageId?: string; login?: string; about?: string },
): Promise<AuditEvent[]> {
  if (!about) return listAuditEvents(db, filter);
  const person = await db
    .selectFrom("people")
    .select("id")
    .where((eb) => eb(eb.fn("lower", ["login"]), "=", about.toLowerCase()))
    .orderBy("id")
    .executeTakeFirst();
  return person ? listAuditEvents(db, { ...filter, personId: person.id }) : [];
}
