import { sql } from "kysely";
import type { Database, Executor } from "../../db/database";
import type { CodeownersTable, FileStatus } from "../../db/schema";
import type { CompiledConfig } from "../stewardship/config";
import {
  buildFileHistories,
  isStageSourceFile,
  stageKnowledge,
  stagePathPrefixes,
  type FileTouch,
  type StageKnowledge,
} from "../stewardship/knowledge";
import { chunk } from "./columns.server";
import { jsonRows } from "./dialect.server";

// Renames are followed this many steps back (a file renamed twice across the history is common; ten is not).
const MAX_RENAME_STEPS = 10;
// Above every character git can print in a path: `prefix` ≤ path < `prefix` + this is "starts with prefix".
const AFTER_ALL = "\u{10FFFF}";

interface TouchRow {
  contributionId: number;
  occurredAt: string;
  path: string;
  previousPath: string | null;
  status: FileStatus | null;
  /** One of its authors (a row per author), null when none is stored. */
  personId: number | null;
  isBot: number | null;
}

/**
 * Delivered work touching files, a row per (file, author): commits, and merged PRs git has not brought
 * (open or closed PRs delivered nothing). A bot's commit has no author row but still counts as a commit.
 */
function deliveredTouches(db: Database, before: string) {
  return db
    .selectFrom("contributionFiles as f")
    .innerJoin("contributions as c", "c.id", "f.contributionId")
    .leftJoin("contributionPeople as cp", (join) =>
      join.onRef("cp.contributionId", "=", "f.contributionId").on("cp.role", "in", ["author", "co-author"]),
    )
    .leftJoin("people as p", "p.id", "cp.personId")
    .where("c.occurredAt", "<", before)
    .where((eb) => eb.or([eb("c.kind", "=", "commit"), eb("c.prState", "=", "merged")]))
    .select(
      jsonRows(db, [
        sql.ref("f.contributionId"),
        sql.ref("c.occurredAt"),
        sql.ref("f.path"),
        sql.ref("f.previousPath"),
        sql.ref("f.status"),
        sql.ref("cp.personId"),
        sql.ref("p.isBot"),
      ]).as("rows"),
    );
}

type PackedTouch = [number, string, string, string | null, FileStatus | null, number | null, number | null];

/**
 * node-sqlite3 spends microseconds building each result row, and a stage's files have tens of thousands
 * of changes at 200k contributions: the rows come packed as one JSON array (jsonRows, in dialect.server.ts).
 */
async function readTouches(query: ReturnType<typeof deliveredTouches>): Promise<TouchRow[]> {
  const { rows } = await query.executeTakeFirstOrThrow();
  return (JSON.parse(rows) as PackedTouch[]).map(
    ([contributionId, occurredAt, path, previousPath, status, personId, isBot]) => ({
      contributionId,
      occurredAt,
      path,
      previousPath,
      status,
      personId,
      isBot,
    }),
  );
}

/**
 * Every delivered change before `before` to the files that are (or were, under an earlier name) the
 * stage's hand-written files, with its authors. Candidate paths are found by range on the path index
 * from the literal start of each path rule; renamed files' earlier names are followed a few steps back.
 */
export async function listStageFileTouches(
  db: Database,
  { config, stageId, before }: { config: CompiledConfig; stageId: string; before: string },
): Promise<FileTouch[]> {
  const prefixes = stagePathPrefixes(config, stageId);
  if (prefixes.length === 0) return [];
  const rows = await readTouches(
    deliveredTouches(db, before).where((eb) =>
      eb.or(prefixes.map((p) => eb.and([eb("f.path", ">=", p), eb("f.path", "<", p + AFTER_ALL)]))),
    ),
  );
  const seenPaths = new Set(rows.map((r) => r.path));
  let wanted = new Set(rows.flatMap((r) => (r.previousPath && !seenPaths.has(r.previousPath) ? [r.previousPath] : [])));
  for (let step = 0; step < MAX_RENAME_STEPS && wanted.size > 0; step++) {
    const found: TouchRow[] = [];
    for (const part of chunk([...wanted], 1)) {
      found.push(...(await readTouches(deliveredTouches(db, before).where("f.path", "in", part))));
    }
    for (const path of wanted) seenPaths.add(path);
    rows.push(...found);
    wanted = new Set(found.flatMap((r) => (r.previousPath && !seenPaths.has(r.previousPath) ? [r.previousPath] : [])));
  }
  const touches = new Map<string, FileTouch>();
  for (const { personId, isBot, ...row } of rows) {
    const key = `${row.contributionId}\0${row.path}`;
    let touch = touches.get(key);
    if (!touch) {
      touch = { ...row, authorIds: [] };
      touches.set(key, touch);
    }
    if (personId !== null && isBot === 0) touch.authorIds.push(personId);
  }
  return [...touches.values()];
}

export interface KnowledgePerson {
  id: number;
  login: string | null;
  name: string;
}

export interface StageKnowledgeView extends Omit<StageKnowledge, "authors"> {
  /** The stage's hand-written files the history knows, by path. */
  files: string[];
  authors: Array<KnowledgePerson & { files: string[] }>;
}

/** The stage's knowledge truck factor as of `before` (exclusive), with who authors which file. */
export async function getStageKnowledge(
  db: Database,
  { config, stageId, before }: { config: CompiledConfig; stageId: string; before: string },
): Promise<StageKnowledgeView> {
  const touches = await listStageFileTouches(db, { config, stageId, before });
  const histories = buildFileHistories(touches, (path) => isStageSourceFile(config, stageId, path));
  const knowledge = stageKnowledge(histories);
  const people = await listPeopleByIds(
    db,
    knowledge.authors.map((a) => a.personId),
  );
  return {
    ...knowledge,
    files: histories.map((h) => h.path),
    authors: knowledge.authors.map((a) => ({
      ...(people.get(a.personId) ?? { id: a.personId, login: null, name: "unknown" }),
      files: a.files,
    })),
  };
}

async function listPeopleByIds(db: Database, ids: number[]): Promise<Map<number, KnowledgePerson>> {
  const people = new Map<number, KnowledgePerson>();
  for (const part of chunk(ids, 1)) {
    const rows = await db.selectFrom("people").where("id", "in", part).select(["id", "login", "name"]).execute();
    for (const row of rows) people.set(row.id, row);
  }
  return people;
}

export type StoredCodeowners = CodeownersTable;

/** Records the CODEOWNERS file a source read (replacing what it read before). */
export async function upsertCodeowners(db: Executor, file: StoredCodeowners): Promise<void> {
  const { path, revision, text, readAt } = file;
  await db
    .insertInto("codeowners")
    .values(file)
    .onConflict((oc) => oc.column("source").doUpdateSet({ path, revision, text, readAt }))
    .execute();
}

/** Forgets a source's CODEOWNERS (the repository no longer has one). */
export async function deleteCodeowners(db: Executor, { source }: { source: string }): Promise<void> {
  await db.deleteFrom("codeowners").where("source", "=", source).execute();
}

/** The CODEOWNERS file read most recently by any source, or null when none was. */
export async function getLatestCodeowners(db: Database): Promise<StoredCodeowners | null> {
  const row = await db
    .selectFrom("codeowners")
    .selectAll()
    .orderBy("readAt", "desc")
    .orderBy("source")
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

export interface OpenPullRequest {
  number: number;
  title: string;
  occurredAt: string;
  stageIds: string[];
  authors: KnowledgePerson[];
}

/**
 * Open pull requests (GitHub's state, as the last sync or webhook saw it) with the stages they were
 * labelled with and their authors, newest first; `pr` picks one, `stageId` those of one stage.
 */
export async function listOpenPullRequests(
  db: Database,
  { stageId, pr, limit = 50 }: { stageId?: string; pr?: number; limit?: number } = {},
): Promise<OpenPullRequest[]> {
  let query = db
    .selectFrom("contributions as c")
    .where("c.prState", "=", "open")
    .where("c.kind", "=", "pull_request")
    .select(["c.id", "c.prNumber", "c.title", "c.occurredAt"]);
  if (pr !== undefined) query = query.where("c.prNumber", "=", pr);
  // Only PRs labelled with a stage can be given a stage's learner reviewer.
  query = query.where(({ exists, selectFrom }) =>
    exists(
      selectFrom("contributionStages as cs").select("cs.contributionId").whereRef("cs.contributionId", "=", "c.id"),
    ),
  );
  if (stageId) {
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom("contributionStages as cs")
          .select("cs.contributionId")
          .whereRef("cs.contributionId", "=", "c.id")
          .where("cs.stageId", "=", stageId),
      ),
    );
  }
  const rows = await query.orderBy("c.occurredAt", "desc").orderBy("c.id", "desc").limit(limit).execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [stages, people] = await Promise.all([
    db
      .selectFrom("contributionStages")
      .where("contributionId", "in", ids)
      .select(["contributionId", "stageId"])
      .orderBy("score", "desc")
      .execute(),
    db
      .selectFrom("contributionPeople as cp")
      .innerJoin("people as p", "p.id", "cp.personId")
      .where("cp.contributionId", "in", ids)
      .where("cp.role", "in", ["author", "co-author"])
      .select(["cp.contributionId", "p.id", "p.login", "p.name"])
      .orderBy("cp.role")
      .execute(),
  ]);
  return rows.map((r) => ({
    number: r.prNumber ?? 0,
    title: r.title,
    occurredAt: r.occurredAt,
    stageIds: stages.filter((s) => s.contributionId === r.id).map((s) => s.stageId),
    authors: people.filter((p) => p.contributionId === r.id).map(({ id, login, name }) => ({ id, login, name })),
  }));
}

/** What is stored of pull request `number`: its state, or null when Steward has never seen it. */
export async function getPullRequestState(
  db: Database,
  { number }: { number: number },
): Promise<{ state: string | null } | null> {
  const row = await db
    .selectFrom("contributions")
    .where("prNumber", "=", number)
    .select(["prState", "kind"])
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  return { state: row.prState ?? (row.kind === "commit" ? "merged" : null) };
}
