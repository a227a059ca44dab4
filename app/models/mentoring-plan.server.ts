import type { Database } from "../../db/database";
import type { MentoringPlanStatus } from "../../db/schema";
import { insertAuditEvent } from "./audit.server";

export { planStatuses } from "../stewardship/mentoring";

interface PlanPerson {
  id: number;
  login: string | null;
  name: string;
}

export interface MentoringPlan {
  id: number;
  stageId: string;
  mentor: PlanPerson;
  mentee: PlanPerson;
  aim: string;
  status: MentoringPlanStatus;
  notes: string;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  /** The mentee's latest credited work in the plan's stage, if any. */
  menteeLastActive: string | null;
}

/** Plans, optionally of one stage or with one person as mentor or mentee, newest first. */
export async function listMentoringPlans(
  db: Database,
  { stageId, personId }: { stageId?: string; personId?: number } = {},
): Promise<MentoringPlan[]> {
  let query = db
    .selectFrom("mentoringPlans as m")
    .innerJoin("people as mentor", "mentor.id", "m.mentorPersonId")
    .innerJoin("people as mentee", "mentee.id", "m.menteePersonId")
    .select((eb) => [
      "m.id",
      "m.stageId",
      "m.aim",
      "m.status",
      "m.notes",
      "m.createdAt",
      "m.updatedAt",
      "m.updatedBy",
      "mentor.id as mentorId",
      "mentor.login as mentorLogin",
      "mentor.name as mentorName",
      "mentee.id as menteeId",
      "mentee.login as menteeLogin",
      "mentee.name as menteeName",
      eb
        .selectFrom("stageActivity as a")
        .select((a) => a.fn.max("a.occurredAt").as("last"))
        .whereRef("a.stageId", "=", "m.stageId")
        .whereRef("a.personId", "=", "m.menteePersonId")
        .as("menteeLastActive"),
    ])
    .orderBy("m.createdAt", "desc")
    .orderBy("m.id", "desc");
  if (stageId) query = query.where("m.stageId", "=", stageId);
  if (personId !== undefined)
    query = query.where((eb) => eb.or([eb("m.mentorPersonId", "=", personId), eb("m.menteePersonId", "=", personId)]));
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    stageId: r.stageId,
    aim: r.aim,
    status: r.status,
    notes: r.notes,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    updatedBy: r.updatedBy,
    mentor: { id: r.mentorId, login: r.mentorLogin, name: r.mentorName },
    mentee: { id: r.menteeId, login: r.menteeLogin, name: r.menteeName },
    menteeLastActive: r.menteeLastActive ?? null,
  }));
}

/** The person a login names (case-insensitively), or null: plans are made between people Steward knows. */
export async function getPersonIdByLogin(db: Database, login: string): Promise<number | null> {
  const row = await db
    .selectFrom("people")
    .select("id")
    .where((eb) => eb(eb.fn("lower", ["login"]), "=", login.toLowerCase()))
    .orderBy("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

export interface NewMentoringPlan {
  stageId: string;
  mentorPersonId: number;
  menteePersonId: number;
  aim: string;
  notes: string;
}

/** Adds a plan and its audit event in one transaction; returns the plan's id. */
export async function insertMentoringPlan(
  db: Database,
  { plan, login, now }: { plan: NewMentoringPlan; login: string; now: string },
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const row = {
      ...plan,
      status: "active" as const,
      createdAt: now,
      createdBy: login,
      updatedAt: now,
      updatedBy: login,
    };
    const { id } = await trx.insertInto("mentoringPlans").values(row).returning("id").executeTakeFirstOrThrow();
    await insertAuditEvent(trx, {
      login,
      action: "add mentoring plan",
      subject: `mentoring-plan ${id}`,
      stageId: plan.stageId,
      before: null,
      after: { id, ...row },
      occurredAt: now,
      personIds: [plan.mentorPersonId, plan.menteePersonId],
    });
    return id;
  });
}

/** Sets a plan's status (and its audit event); false when there is no such plan. */
export async function updateMentoringPlanStatus(
  db: Database,
  { id, status, login, now }: { id: number; status: MentoringPlanStatus; login: string; now: string },
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("mentoringPlans").selectAll().where("id", "=", id).executeTakeFirst();
    if (!before) return false;
    await trx
      .updateTable("mentoringPlans")
      .set({ status, updatedAt: now, updatedBy: login })
      .where("id", "=", id)
      .execute();
    await insertAuditEvent(trx, {
      login,
      action: "change mentoring plan status",
      subject: `mentoring-plan ${id}`,
      stageId: before.stageId,
      before,
      after: { ...before, status, updatedAt: now, updatedBy: login },
      occurredAt: now,
      personIds: [before.mentorPersonId, before.menteePersonId],
    });
    return true;
  });
}
