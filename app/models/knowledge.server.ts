import { sql, type Expression, type ExpressionBuilder, type SqlBool } from "kysely";
import type { Database, Executor } from "../../db/database";
import type { CodeownersTable, DB, FileStatus } from "../../db/schema";
import type { CompiledConfig } from "../stewardship/config";
import {
  isStageSourceFile,
  liveRuns,
  replayFileHistories,
  stageKnowledge,
  stagePathPrefixes,
  type ChangeRun,
  type CountedRun,
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

type ChangeScope = ExpressionBuilder<DB & { f: DB["contributionFiles"]; c: DB["contributions"] }, "f" | "c">;

/**
 * Delivered changes to files before `before`: commits, and merged PRs git has not brought (open or
 * closed PRs delivered nothing).
 */
function deliveredChanges(db: Database, before: string) {
  return db
    .selectFrom("contributionFiles as f")
    .innerJoin("contributions as c", "c.id", "f.contributionId")
    .where("c.occurredAt", "<", before)
    .where((eb) => eb.or([eb("c.kind", "=", "commit"), eb("c.prState", "=", "merged")]));
}

/**
 * The same changes, found from the contributions made since `since` (by the index on their time) rather
 * than from a path's every change: for a run that starts late in a long history. CROSS JOIN keeps SQLite
 * to that order; PostgreSQL plans it as any join.
 */
function deliveredChangesSince(db: Database, { since, before }: { since: string; before: string }) {
  return db
    .selectFrom("contributions as c")
    .crossJoin("contributionFiles as f")
    .whereRef("f.contributionId", "=", "c.id")
    .where("c.occurredAt", ">=", since)
    .where("c.occurredAt", "<", before)
    .where((eb) => eb.or([eb("c.kind", "=", "commit"), eb("c.prState", "=", "merged")]));
}

/**
 * Delivered changes, a row per (file, author). A bot's commit has no author row but still counts as a
 * commit.
 */
function deliveredTouches(db: Database, before: string) {
  return deliveredChanges(db, before)
    .leftJoin("contributionPeople as cp", (join) =>
      join.onRef("cp.contributionId", "=", "f.contributionId").on("cp.role", "in", ["author", "co-author"]),
    )
    .leftJoin("people as p", "p.id", "cp.personId")
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

/** A change per (contribution, path) with its authors, bots left out. */
function toTouches(rows: TouchRow[]): FileTouch[] {
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

/** The paths in the ranges that start with each of the stage's `prefixes` (the path index finds them). */
function underPrefixes(eb: ChangeScope, prefixes: string[]) {
  return eb.or(prefixes.map((p) => eb.and([eb("f.path", ">=", p), eb("f.path", "<", p + AFTER_ALL)])));
}

/**
 * A change that adds, copies, deletes or renames a file (isFileEvent in stewardship/knowledge.ts). Written
 * as the partial index contribution_files_path_event's condition (migration 0020), literals included, so
 * both databases read a stage's events from that index alone rather than every change to its files.
 */
function isEvent(): Expression<SqlBool> {
  const [status, previousPath, path] = [sql.ref("f.status"), sql.ref("f.previousPath"), sql.ref("f.path")];
  return sql<SqlBool>`(${status} in ('A', 'C', 'D') or (${previousPath} is not null and ${previousPath} <> ${path}))`;
}

/** Any other change: it only adds to the counts of the file at its path. */
function isPlain(eb: ChangeScope) {
  return eb.and([
    eb.or([eb("f.status", "is", null), eb("f.status", "not in", ["A", "C", "D"])]),
    eb.or([eb("f.previousPath", "is", null), eb("f.previousPath", "=", eb.ref("f.path"))]),
  ]);
}

/**
 * Reads the changes `where` picks under the stage's path prefixes, then follows renamed files' earlier
 * names a few steps back (the changes `where` picks on those paths too). Returns them with the earlier
 * names that were followed.
 */
async function readStageChanges(
  db: Database,
  { prefixes, before, where }: { prefixes: string[]; before: string; where?: (eb: ChangeScope) => Expression<SqlBool> },
): Promise<{ touches: FileTouch[]; followed: string[] }> {
  const picked = (eb: ChangeScope) => (where ? where(eb) : eb.and([]));
  const rows = await readTouches(
    deliveredTouches(db, before).where((eb) => eb.and([underPrefixes(eb, prefixes), picked(eb)])),
  );
  const underStage = (path: string) => prefixes.some((p) => path >= p && path < p + AFTER_ALL);
  const followed: string[] = [];
  const seenPaths = new Set(rows.map((r) => r.path));
  let wanted = new Set(
    rows.flatMap((r) =>
      r.previousPath && !seenPaths.has(r.previousPath) && !underStage(r.previousPath) ? [r.previousPath] : [],
    ),
  );
  for (let step = 0; step < MAX_RENAME_STEPS && wanted.size > 0; step++) {
    const found: TouchRow[] = [];
    for (const part of chunk([...wanted], 1)) {
      found.push(
        ...(await readTouches(
          deliveredTouches(db, before).where((eb) => eb.and([eb("f.path", "in", part), picked(eb)])),
        )),
      );
    }
    for (const path of wanted) seenPaths.add(path);
    followed.push(...wanted);
    rows.push(...found);
    wanted = new Set(
      found.flatMap((r) =>
        r.previousPath && !seenPaths.has(r.previousPath) && !underStage(r.previousPath) ? [r.previousPath] : [],
      ),
    );
  }
  return { touches: toTouches(rows), followed };
}

/**
 * Every delivered change before `before` to the files that are (or were, under an earlier name) the
 * stage's hand-written files, with its authors, row by row: what getStageKnowledge reads as events and
 * counted runs. Candidate paths are found by range on the path index from the literal start of each
 * path rule; renamed files' earlier names are followed a few steps back.
 */
export async function listStageFileTouches(
  db: Database,
  { config, stageId, before }: { config: CompiledConfig; stageId: string; before: string },
): Promise<FileTouch[]> {
  const prefixes = stagePathPrefixes(config, stageId);
  if (prefixes.length === 0) return [];
  return (await readStageChanges(db, { prefixes, before })).touches;
}

// Runs or path ranges counted per statement: each adds a few terms to its WHERE (and CASE).
const TERMS_PER_STATEMENT = 50;

/** The change comes after `position`: a later time, or the same time and a greater contribution id. */
function pastPosition(eb: ChangeScope, position: { occurredAt: string; contributionId: number }) {
  return eb.or([
    eb("c.occurredAt", ">", position.occurredAt),
    eb.and([eb("c.occurredAt", "=", position.occurredAt), eb("c.id", ">", position.contributionId)]),
  ]);
}

function inRunSql(eb: ChangeScope, run: ChangeRun) {
  return eb.and([
    eb("f.path", "=", run.path),
    ...(run.after ? [pastPosition(eb, run.after)] : []),
    ...(run.through ? [eb.not(pastPosition(eb, run.through))] : []),
  ]);
}

/**
 * The path ranges under `prefixes` with `paths` cut out (each range's start inclusive when `from` is):
 * the index then skips the changes of those paths rather than reading and dropping them.
 */
function rangesWithout(prefixes: string[], paths: string[]): Array<{ from: string; inclusive: boolean; to: string }> {
  const ranges: Array<{ from: string; inclusive: boolean; to: string }> = [];
  const cuts = [...new Set(paths)].sort();
  for (const prefix of prefixes) {
    const end = prefix + AFTER_ALL;
    let from = prefix;
    let inclusive = true;
    for (const cut of cuts.filter((path) => path >= prefix && path < end)) {
      if (from < cut) ranges.push({ from, inclusive, to: cut });
      from = cut;
      inclusive = false;
    }
    ranges.push({ from, inclusive, to: end });
  }
  return ranges;
}

/**
 * Which runs to count from their path's changes and which from the contributions made since they start:
 * a run that starts after a late event (a file re-added last week) has few changes among a path's tens of
 * thousands, and SQLite, without statistics, would read them all. The two sizes are counted on indexes.
 */
async function planRuns(
  db: Database,
  { before, runs }: { before: string; runs: ChangeRun[] },
): Promise<{ byPath: ChangeRun[]; byTime: ChangeRun[] }> {
  const byPath: ChangeRun[] = [];
  const byTime: ChangeRun[] = [];
  const sizes = await Promise.all(
    runs.map(async (run) => {
      if (!run.after) return null;
      const { n: changes } = await db
        .selectFrom("contributionFiles")
        .where("path", "=", run.path)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      // Counted no further than the path's changes: an early start would otherwise walk the whole history.
      const { n: since } = await db
        .selectFrom((eb) =>
          eb
            .selectFrom("contributions")
            .where("occurredAt", ">=", run.after?.occurredAt ?? "")
            .where("occurredAt", "<", before)
            .select("id")
            .limit(Number(changes))
            .as("s"),
        )
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return { changes: Number(changes), since: Number(since) };
    }),
  );
  runs.forEach((run, i) => {
    const size = sizes[i];
    if (size && size.since < size.changes) byTime.push(run);
    else byPath.push(run);
  });
  return { byPath, byTime };
}

/**
 * Counts, in the database, the plain changes of each of `runs` and the whole history (one run) of every
 * other path under `prefixes` or among `followed`: per run, the changes, and how many of them each
 * author wrote (a person once per change; bots left out). Only the counts travel, not the changes.
 */
async function countRuns(
  db: Database,
  { before, runs, prefixes, followed }: { before: string; runs: ChangeRun[]; prefixes: string[]; followed: string[] },
): Promise<CountedRun[]> {
  const runPaths = new Set(runs.map((r) => r.path));
  const { byPath, byTime } = await planRuns(db, { before, runs });
  const ranges = rangesWithout(prefixes, [...runPaths]);
  const otherFollowed = followed.filter((path) => !runPaths.has(path));
  type Range = (typeof ranges)[number];
  const inRange = (eb: ChangeScope, r: Range) =>
    eb.and([eb("f.path", r.inclusive ? ">=" : ">", r.from), eb("f.path", "<", r.to)]);
  const statements = [
    // The whole histories of the paths without events.
    ...inParts(ranges).map((part) => ({
      runs: [] as ChangeRun[],
      where: (eb: ChangeScope) => eb.or(part.map((r) => inRange(eb, r))),
    })),
    ...(otherFollowed.length > 0
      ? [{ runs: [] as ChangeRun[], where: (eb: ChangeScope) => eb("f.path", "in", otherFollowed) }]
      : []),
    ...inParts(byPath).map((part) => ({
      runs: part,
      where: (eb: ChangeScope) => eb.or(part.map((run) => inRunSql(eb, run))),
    })),
    ...byTime.map((run) => ({
      runs: [run],
      since: run.after?.occurredAt,
      where: (eb: ChangeScope) => inRunSql(eb, run),
    })),
  ];
  const counted: CountedRun[] = [];
  for (const statement of statements as Array<(typeof statements)[number] & { since?: string }>) {
    const changes = (
      statement.since === undefined
        ? deliveredChanges(db, before)
        : deliveredChangesSince(db, { since: statement.since, before })
    )
      .where(isPlain)
      .where(statement.where)
      .select((eb) => {
        let run = sql<number>`-1`;
        // The run a change falls in, by its index among the statement's runs.
        if (statement.runs.length > 0) {
          run = sql<number>`case ${sql.join(
            statement.runs.map((r, i) => sql`when ${inRunSql(eb, r)} then ${sql.lit(i)}`),
            sql` `,
          )} else -1 end`;
        }
        return ["f.path", "f.contributionId", run.as("run")];
      });
    const rows = await db
      .with(
        (cte) => cte("changes").materialized(),
        () => changes,
      )
      .selectFrom("changes as ch")
      .groupBy(["ch.path", "ch.run"])
      .select((eb) => [
        "ch.path",
        "ch.run",
        sql<number | null>`cast(null as integer)`.as("personId"),
        eb.fn.countAll<number>().as("count"),
      ])
      .unionAll((eb) =>
        eb
          .selectFrom("changes as ch")
          // CROSS JOIN keeps SQLite from walking every author row to meet the few changes (PostgreSQL plans it as any join).
          .crossJoin("contributionPeople as cp")
          .whereRef("cp.contributionId", "=", "ch.contributionId")
          .innerJoin("people as p", "p.id", "cp.personId")
          .where("cp.role", "in", ["author", "co-author"])
          .where("p.isBot", "=", 0)
          .groupBy(["ch.path", "ch.run", "cp.personId"])
          .select((eb) => [
            "ch.path",
            "ch.run",
            "cp.personId",
            eb.fn.count<number>("ch.contributionId").distinct().as("count"),
          ]),
      )
      .execute();
    const byRun = new Map<string, CountedRun>();
    for (const row of rows) {
      const key = `${row.run} ${row.path}`;
      let run = byRun.get(key);
      if (!run) {
        const bounds = statement.runs[row.run] ?? { path: row.path, after: null, through: null };
        run = { ...bounds, commits: 0, deliveries: new Map() };
        byRun.set(key, run);
      }
      if (row.personId === null) run.commits = Number(row.count);
      else run.deliveries.set(row.personId, Number(row.count));
    }
    counted.push(...byRun.values());
  }
  return counted;
}

/** At most 50 ranges or runs a statement: SQLite nests each OR a level deeper and stops at 1,000 levels. */
function inParts<T>(items: T[]): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += TERMS_PER_STATEMENT) parts.push(items.slice(i, i + TERMS_PER_STATEMENT));
  return parts;
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

/**
 * The stage's knowledge truck factor as of `before` (exclusive), with who authors which file. A stage's
 * files have tens of thousands of changes at 1M contributions, but few of them add, copy, delete or
 * rename a file: those events are read one by one, and the database counts the changes between them
 * (per person, per run: see liveRuns), so the result is the model's over every change.
 */
export async function getStageKnowledge(
  db: Database,
  { config, stageId, before }: { config: CompiledConfig; stageId: string; before: string },
): Promise<StageKnowledgeView> {
  const prefixes = stagePathPrefixes(config, stageId);
  const { touches: events, followed } =
    prefixes.length > 0
      ? await readStageChanges(db, { prefixes, before, where: isEvent })
      : { touches: [], followed: [] };
  const underStage = (path: string) => prefixes.some((p) => path >= p && path < p + AFTER_ALL);
  const read = new Set(followed);
  // Runs on an earlier name past the renames followed: its changes were not read, as they are not counted.
  const runs = liveRuns(events).filter((run) => underStage(run.path) || read.has(run.path));
  const counted =
    prefixes.length > 0
      ? await countRuns(db, {
          before,
          runs,
          prefixes,
          followed,
        })
      : [];
  const histories = replayFileHistories(events, counted, (path) => isStageSourceFile(config, stageId, path));
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
      // Ties broken by stage: SQLite and PostgreSQL return equal rows in different orders.
      .orderBy("score", "desc")
      .orderBy("stageId")
      .execute(),
    db
      .selectFrom("contributionPeople as cp")
      .innerJoin("people as p", "p.id", "cp.personId")
      .where("cp.contributionId", "in", ids)
      .where("cp.role", "in", ["author", "co-author"])
      .select(["cp.contributionId", "p.id", "p.login", "p.name"])
      .orderBy("cp.role")
      .orderBy("p.id")
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
