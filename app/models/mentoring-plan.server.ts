import type { Database, Executor } from "../../db/database";
import type { MentoringPlanStatus } from "../../db/schema";
import type { Checked } from "../stewardship/checked";
import type { Credit, TimeWindow } from "../stewardship/metrics";
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
  /** The starter tasks picked for the mentee, in the order of their keys. */
  tasks: PlanTask[];
}

/** A picked starter task; `title` and the rest are null once the task is no longer stored (GitHub dropped it). */
export interface PlanTask {
  key: string;
  title: string | null;
  issueNumber: number | null;
  umbrellaNumber: number | null;
  state: "open" | "done" | null;
}

/** Plans, optionally of one stage, with one person as mentor or mentee, or one plan; newest first. */
export async function listMentoringPlans(
  db: Executor,
  { stageId, personId, id }: { stageId?: string; personId?: number; id?: number } = {},
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
  if (id !== undefined) query = query.where("m.id", "=", id);
  if (personId !== undefined)
    query = query.where((eb) => eb.or([eb("m.mentorPersonId", "=", personId), eb("m.menteePersonId", "=", personId)]));
  const rows = await query.execute();
  const tasks = await listPlanTasks(
    db,
    rows.map((r) => r.id),
  );
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
    tasks: tasks.get(r.id) ?? [],
  }));
}

/** The tasks each plan picked, with what is stored of each task. */
async function listPlanTasks(db: Executor, planIds: number[]): Promise<Map<number, PlanTask[]>> {
  const byPlan = new Map<number, PlanTask[]>();
  if (planIds.length === 0) return byPlan;
  const rows = await db
    .selectFrom("mentoringPlanTasks as pt")
    .leftJoin("starterTasks as t", "t.key", "pt.taskKey")
    .select(["pt.planId", "pt.taskKey", "t.title", "t.issueNumber", "t.umbrellaNumber", "t.state"])
    .where("pt.planId", "in", planIds)
    .orderBy("pt.planId")
    .orderBy("pt.taskKey")
    .execute();
  for (const row of rows) {
    const list = byPlan.get(row.planId) ?? [];
    list.push({
      key: row.taskKey,
      title: row.title,
      issueNumber: row.issueNumber,
      umbrellaNumber: row.umbrellaNumber,
      state: row.state,
    });
    byPlan.set(row.planId, list);
  }
  return byPlan;
}

/** One plan, or null. */
export async function getMentoringPlan(db: Executor, id: number): Promise<MentoringPlan | null> {
  return (await listMentoringPlans(db, { id }))[0] ?? null;
}

/** The people mentoring each task under a live (active or paused) plan, keyed by task key. */
export async function listTaskMentoring(
  db: Database,
  { taskKeys }: { taskKeys: string[] },
): Promise<Map<string, Array<{ planId: number; mentor: PlanPerson; mentee: PlanPerson }>>> {
  const byTask = new Map<string, Array<{ planId: number; mentor: PlanPerson; mentee: PlanPerson }>>();
  if (taskKeys.length === 0) return byTask;
  const rows = await db
    .selectFrom("mentoringPlanTasks as pt")
    .innerJoin("mentoringPlans as m", "m.id", "pt.planId")
    .innerJoin("people as mentor", "mentor.id", "m.mentorPersonId")
    .innerJoin("people as mentee", "mentee.id", "m.menteePersonId")
    .select([
      "pt.taskKey",
      "m.id as planId",
      "mentor.id as mentorId",
      "mentor.login as mentorLogin",
      "mentor.name as mentorName",
      "mentee.id as menteeId",
      "mentee.login as menteeLogin",
      "mentee.name as menteeName",
    ])
    .where("pt.taskKey", "in", taskKeys)
    .where("m.status", "in", ["active", "paused"])
    .orderBy("m.id")
    .execute();
  for (const r of rows) {
    const list = byTask.get(r.taskKey) ?? [];
    list.push({
      planId: r.planId,
      mentor: { id: r.mentorId, login: r.mentorLogin, name: r.mentorName },
      mentee: { id: r.menteeId, login: r.menteeLogin, name: r.menteeName },
    });
    byTask.set(r.taskKey, list);
  }
  return byTask;
}

/**
 * Each (stage, person)'s credit per day in the span, summed in SQL, in day order: what the planning
 * page draws a mentee's trend from. Keyed `stageId personId`.
 */
export async function listMenteeCredits(
  db: Database,
  { pairs, span }: { pairs: Array<{ stageId: string; personId: number }>; span: TimeWindow },
): Promise<Map<string, Credit[]>> {
  const byPair = new Map<string, Credit[]>();
  if (pairs.length === 0) return byPair;
  const rows = await db
    .selectFrom("stageActivity as a")
    .where("a.personId", "in", [...new Set(pairs.map((p) => p.personId))])
    .where("a.stageId", "in", [...new Set(pairs.map((p) => p.stageId))])
    .where("a.occurredAt", ">=", span.from)
    .where("a.occurredAt", "<", span.to)
    .groupBy(["a.stageId", "a.personId", "a.day"])
    .select((eb) => ["a.stageId", "a.personId", "a.day", eb.fn.sum<number>("a.weight").as("weight")])
    .orderBy("a.day")
    .execute();
  for (const row of rows) {
    const key = `${row.stageId} ${row.personId}`;
    const list = byPair.get(key) ?? [];
    list.push({ day: row.day, weight: Number(row.weight) });
    byPair.set(key, list);
  }
  return byPair;
}

/** The person a login names (case-insensitively), or null: plans are made between people Steward knows. */
export async function getPersonIdByLogin(db: Executor, login: string): Promise<number | null> {
  const row = await db
    .selectFrom("people")
    .select("id")
    .where((eb) => eb(eb.fn("lower", ["login"]), "=", login.toLowerCase()))
    .orderBy("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * A picked task must be a stored starter task of the plan's stage (or of none yet). The first key that
 * is not, as a field error naming its place in the list.
 */
async function checkTaskKeys(db: Executor, stageId: string, keys: string[]): Promise<Checked<string[]>> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) return { ok: true, value: [] };
  const stored = await db.selectFrom("starterTasks").select(["key", "stageId"]).where("key", "in", unique).execute();
  const stageOf = new Map(stored.map((t) => [t.key, t.stageId]));
  for (const [i, key] of keys.entries()) {
    if (!stageOf.has(key))
      return { ok: false, field: `tasks.${i}`, message: `there is no starter task "${key}" (see /tasks)` };
    const taskStage = stageOf.get(key);
    if (taskStage && taskStage !== stageId)
      return {
        ok: false,
        field: `tasks.${i}`,
        message: `starter task "${key}" is a ${taskStage} task, not ${stageId}`,
      };
  }
  return { ok: true, value: unique };
}

async function replacePlanTasks(trx: Executor, planId: number, keys: string[]): Promise<void> {
  await trx.deleteFrom("mentoringPlanTasks").where("planId", "=", planId).execute();
  if (keys.length > 0)
    await trx
      .insertInto("mentoringPlanTasks")
      .values(keys.map((taskKey) => ({ planId, taskKey })))
      .execute();
}

export interface NewMentoringPlan {
  stage: string;
  mentor: string;
  mentee: string;
  aim: string;
  notes: string;
  tasks: string[];
}

async function storedPlan(trx: Executor, id: number) {
  const row = await trx.selectFrom("mentoringPlans").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return null;
  const tasks = await trx
    .selectFrom("mentoringPlanTasks")
    .select("taskKey")
    .where("planId", "=", id)
    .orderBy("taskKey")
    .execute();
  return { ...row, tasks: tasks.map((t) => t.taskKey) };
}

/**
 * Adds a plan, its picked tasks and its audit event in one transaction, for the planning page and
 * `POST /api/plans` alike. The stage must be configured (`stageIds`), both people known to Steward by
 * login (and two different people), every task a starter task of the stage; otherwise nothing is
 * written and the answer names the field.
 */
export async function createMentoringPlan(
  db: Database,
  { plan, stageIds, login, now }: { plan: NewMentoringPlan; stageIds: readonly string[]; login: string; now: string },
): Promise<Checked<MentoringPlan>> {
  if (!stageIds.includes(plan.stage))
    return {
      ok: false,
      field: "stage",
      message: `there is no stage "${plan.stage}"; use one of: ${stageIds.join(", ")}`,
    };
  return db.transaction().execute(async (trx) => {
    const mentorPersonId = await getPersonIdByLogin(trx, plan.mentor);
    if (mentorPersonId === null) return unknownPerson("mentor", plan.mentor);
    const menteePersonId = await getPersonIdByLogin(trx, plan.mentee);
    if (menteePersonId === null) return unknownPerson("mentee", plan.mentee);
    if (menteePersonId === mentorPersonId)
      return { ok: false, field: "mentee", message: "must be someone other than the mentor" };
    const tasks = await checkTaskKeys(trx, plan.stage, plan.tasks);
    if (!tasks.ok) return tasks;
    const row = {
      stageId: plan.stage,
      mentorPersonId,
      menteePersonId,
      aim: plan.aim,
      notes: plan.notes,
      status: "active" as const,
      createdAt: now,
      createdBy: login,
      updatedAt: now,
      updatedBy: login,
    };
    const { id } = await trx.insertInto("mentoringPlans").values(row).returning("id").executeTakeFirstOrThrow();
    await replacePlanTasks(trx, id, tasks.value);
    await insertAuditEvent(trx, {
      login,
      action: "add mentoring plan",
      subject: `mentoring-plan ${id}`,
      stageId: plan.stage,
      before: null,
      after: await storedPlan(trx, id),
      occurredAt: now,
      personIds: [mentorPersonId, menteePersonId],
    });
    const stored = await getMentoringPlan(trx, id);
    if (!stored) throw new Error(`mentoring plan ${id} vanished inside its own transaction`);
    return { ok: true, value: stored };
  });
}

function unknownPerson(field: string, login: string): Checked<never> {
  return {
    ok: false,
    field,
    message: `Steward knows nobody with the login @${login}: plans are made between people it has seen work`,
  };
}

export interface MentoringPlanChanges {
  aim?: string;
  notes?: string;
  status?: MentoringPlanStatus;
  /** When given, the whole list of picked tasks (an empty list picks none). */
  tasks?: string[];
}

/**
 * Changes a plan's aim, notes, status or picked tasks, with its audit event (the plan and its tasks
 * before and after) in one transaction; the page's forms and `POST /api/plans/:id` both call it. Null
 * when there is no such plan; a field error when a task is not a starter task of the plan's stage.
 */
export async function changeMentoringPlan(
  db: Database,
  { id, changes, login, now }: { id: number; changes: MentoringPlanChanges; login: string; now: string },
): Promise<Checked<MentoringPlan> | null> {
  return db.transaction().execute(async (trx) => {
    const before = await storedPlan(trx, id);
    if (!before) return null;
    let tasks = before.tasks;
    if (changes.tasks) {
      const checked = await checkTaskKeys(trx, before.stageId, changes.tasks);
      if (!checked.ok) return checked;
      tasks = checked.value;
      await replacePlanTasks(trx, id, tasks);
    }
    const set = {
      ...(changes.aim !== undefined ? { aim: changes.aim } : {}),
      ...(changes.notes !== undefined ? { notes: changes.notes } : {}),
      ...(changes.status !== undefined ? { status: changes.status } : {}),
      updatedAt: now,
      updatedBy: login,
    };
    await trx.updateTable("mentoringPlans").set(set).where("id", "=", id).execute();
    const onlyStatus = Object.keys(changes).every((k) => k === "status");
    await insertAuditEvent(trx, {
      login,
      action: onlyStatus ? "change mentoring plan status" : "change mentoring plan",
      subject: `mentoring-plan ${id}`,
      stageId: before.stageId,
      before,
      after: await storedPlan(trx, id),
      occurredAt: now,
      personIds: [before.mentorPersonId, before.menteePersonId],
    });
    const stored = await getMentoringPlan(trx, id);
    if (!stored) throw new Error(`mentoring plan ${id} vanished inside its own transaction`);
    return { ok: true, value: stored };
  });
}
