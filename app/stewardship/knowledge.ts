// Who knows a stage's code: the degree-of-authorship model of Avelino et al. (2016, "A novel approach for
// estimating truck factors", after Fritz et al.), as the JetBrains Bus Factor Explorer uses it. Pure: it
// reads each file's commit history and says who authored which file, and the stage's truck factor.
import type { FileStatus } from "../../db/schema";
import { isGeneratedPath, type CompiledConfig } from "./config";

/** One file changed by one delivered contribution (a commit, or a merged pull request git has not brought). */
export interface FileTouch {
  contributionId: number;
  occurredAt: string;
  path: string;
  /** The path before a rename or copy. */
  previousPath: string | null;
  /** git's change letter; null when unknown (a modification, as far as the model can tell). */
  status: FileStatus | null;
  /** The people who wrote the change (authors and co-authors, bots left out). */
  authorIds: number[];
}

/** A file as it stands after its history: who created it and how often each person changed it. */
export interface FileHistory {
  path: string;
  /** The authors of the commit that added the file; empty when the history does not reach its creation. */
  creatorIds: number[];
  /** Commits (deliveries) per person, the creating commit included. */
  deliveries: Map<number, number>;
  /** All commits to the file. */
  commits: number;
}

// Avelino et al.'s coefficients (fitted on developers' own answers about the files they know).
const DOA_BASE = 3.293;
const DOA_FIRST_AUTHORSHIP = 1.098;
const DOA_DELIVERIES = 0.164;
const DOA_OTHERS = 0.321;
/** An author's normalised degree must exceed this… */
export const AUTHOR_NORMALISED_DOA = 0.75;
/** …and their absolute degree reach this (the model's value for someone who made one change). */
export const AUTHOR_ABSOLUTE_DOA = DOA_BASE;
/** The truck factor is reached when more than this share of the files has no author left. */
export const ORPHANED_SHARE = 0.5;

/**
 * DOA = 3.293 + 1.098·FA + 0.164·DL − 0.321·ln(1 + AC): FA 1 when the person created the file, DL their
 * commits to it, AC the other people's commits to it.
 */
export function degreeOfAuthorship({
  created,
  deliveries,
  others,
}: {
  created: boolean;
  deliveries: number;
  others: number;
}): number {
  return (
    DOA_BASE + DOA_FIRST_AUTHORSHIP * (created ? 1 : 0) + DOA_DELIVERIES * deliveries - DOA_OTHERS * Math.log1p(others)
  );
}

/** The people who author a file: normalised degree (by the file's highest) above 0.75, absolute at least 3.293. */
export function fileAuthors(history: FileHistory): number[] {
  const people = new Set([...history.deliveries.keys(), ...history.creatorIds]);
  const degrees = [...people].map((personId) => {
    const deliveries = history.deliveries.get(personId) ?? 0;
    return {
      personId,
      doa: degreeOfAuthorship({
        created: history.creatorIds.includes(personId),
        deliveries,
        others: history.commits - deliveries,
      }),
    };
  });
  const max = Math.max(...degrees.map((d) => d.doa));
  if (!(max > 0)) return [];
  return degrees
    .filter((d) => d.doa / max > AUTHOR_NORMALISED_DOA && d.doa >= AUTHOR_ABSOLUTE_DOA)
    .map((d) => d.personId)
    .sort((a, b) => a - b);
}

/** Where a change stands in the history: by time (ISO text), then contribution id. */
export interface HistoryPosition {
  occurredAt: string;
  contributionId: number;
}

function comparePositions(a: HistoryPosition, b: HistoryPosition): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt ? -1 : 1;
  return a.contributionId - b.contributionId;
}

/** A change that carries a file's history from `previousPath` to `path` (git's R; a copy or an addition does not). */
function isRename(touch: Pick<FileTouch, "path" | "previousPath" | "status">): boolean {
  return (
    touch.status !== "A" &&
    touch.status !== "C" &&
    touch.status !== "D" &&
    touch.previousPath !== null &&
    touch.previousPath !== touch.path
  );
}

/**
 * Whether a change adds, copies, deletes or renames a file: such events are replayed one by one. Every
 * other change to a path only adds to the counts of the file standing there, so a run of them between
 * two events is all one sum (the database adds it up: see ChangeRun).
 */
export function isFileEvent(touch: Pick<FileTouch, "path" | "previousPath" | "status">): boolean {
  return touch.status === "A" || touch.status === "C" || touch.status === "D" || isRename(touch);
}

/**
 * The plain changes (not events) to one path after one position and up to another (inclusive: a plain
 * change made by the contribution that renames the path away comes before the rename); null bounds are
 * the history's beginning and end.
 */
export interface ChangeRun {
  path: string;
  after: HistoryPosition | null;
  through: HistoryPosition | null;
}

/** A run's changes counted: how many, and how many of them each author wrote (a person once per change). */
export interface CountedRun extends ChangeRun {
  commits: number;
  deliveries: Map<number, number>;
}

/** Events in the order they are replayed: time, contribution, then path (a contribution changes a path once). */
function inHistoryOrder(events: readonly FileTouch[]): FileTouch[] {
  return [...events].sort((a, b) => comparePositions(a, b) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Each path's events, in order: its own (added, copied, deleted, renamed to) and the renames away from it. */
function eventsByPath(events: readonly FileTouch[]): Map<string, FileTouch[]> {
  const byPath = new Map<string, FileTouch[]>();
  const add = (path: string, event: FileTouch) => {
    const list = byPath.get(path);
    if (list) list.push(event);
    else byPath.set(path, [event]);
  };
  for (const event of inHistoryOrder(events)) {
    add(event.path, event);
    if (isRename(event) && event.previousPath !== null) add(event.previousPath, event);
  }
  return byPath;
}

/**
 * The runs of plain changes that can reach a file's final history, on the paths that have events: the
 * run after a path's last event, and each run that ends with a rename away (its file moves on). Every
 * other run ends in an addition, copy, deletion or rename onto the path, which discards what it counted.
 * A path without events has one run, its whole history, not listed here.
 */
export function liveRuns(events: readonly FileTouch[]): ChangeRun[] {
  const runs: ChangeRun[] = [];
  for (const [path, list] of eventsByPath(events)) {
    let after: HistoryPosition | null = null;
    for (const event of list) {
      const through = { occurredAt: event.occurredAt, contributionId: event.contributionId };
      if (event.path !== path) runs.push({ path, after, through });
      after = through;
    }
    runs.push({ path, after, through: null });
  }
  return runs;
}

/** Whether `position` falls in `run` (after its start, up to and including its end). */
export function inRun(run: ChangeRun, position: HistoryPosition): boolean {
  return (
    (run.after === null || comparePositions(position, run.after) > 0) &&
    (run.through === null || comparePositions(position, run.through) <= 0)
  );
}

/**
 * Each file's history from its events (replayed in time order) and the counted runs of plain changes
 * between them (see liveRuns; a path without events counted as one run): a rename carries the old path's
 * history to the new one, an addition starts afresh (a file deleted and added again is a new file), a
 * copy is a new file created by the copier, a deletion ends the file. Only files `keep` accepts as they
 * stand at the end are returned, so a stage file renamed out of the stage is not the stage's.
 */
export function replayFileHistories(
  events: readonly FileTouch[],
  runs: readonly CountedRun[],
  keep: (path: string) => boolean,
): FileHistory[] {
  const files = new Map<string, FileHistory>();
  const fresh = (path: string, creatorIds: number[]): FileHistory => ({
    path,
    creatorIds,
    deliveries: new Map(),
    commits: 0,
  });
  const add = (history: FileHistory, personId: number, count: number) =>
    history.deliveries.set(personId, (history.deliveries.get(personId) ?? 0) + count);
  // Each path's runs, earliest first, applied just before the event that ends them (or after the last event).
  const pending = new Map<string, CountedRun[]>();
  for (const run of runs) {
    if (run.commits === 0) continue;
    const list = pending.get(run.path);
    if (list) list.push(run);
    else pending.set(run.path, [run]);
  }
  for (const list of pending.values()) {
    list.sort((a, b) =>
      a.through === null
        ? b.through === null
          ? 0
          : 1
        : b.through === null
          ? -1
          : comparePositions(a.through, b.through),
    );
  }
  const applyRuns = (path: string, upTo: HistoryPosition | null) => {
    const list = pending.get(path);
    while (list?.[0] && (upTo === null || (list[0].through !== null && comparePositions(list[0].through, upTo) <= 0))) {
      const run = list.shift();
      if (!run) break;
      const history = files.get(path) ?? fresh(path, []);
      history.commits += run.commits;
      for (const [personId, count] of run.deliveries) add(history, personId, count);
      files.set(path, history);
    }
  };
  for (const event of inHistoryOrder(events)) {
    applyRuns(event.path, event);
    if (isRename(event) && event.previousPath !== null) applyRuns(event.previousPath, event);
    if (event.status === "D") {
      files.delete(event.path);
      continue;
    }
    let history: FileHistory | undefined;
    if (event.status === "A" || event.status === "C") {
      history = fresh(event.path, [...event.authorIds]);
    } else if (event.previousPath !== null) {
      history = files.get(event.previousPath);
      files.delete(event.previousPath);
    }
    history ??= fresh(event.path, []);
    history.path = event.path;
    history.commits += 1;
    for (const personId of new Set(event.authorIds)) add(history, personId, 1);
    files.set(event.path, history);
  }
  for (const path of pending.keys()) applyRuns(path, null);
  return [...files.values()].filter((f) => keep(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
}

/**
 * Each file's history from every change to it (see replayFileHistories): the events replayed, the other
 * changes counted in runs as the database counts them.
 */
export function buildFileHistories(touches: readonly FileTouch[], keep: (path: string) => boolean): FileHistory[] {
  const events = touches.filter(isFileEvent);
  const runs = liveRuns(events);
  const counted = new Map<string, CountedRun[]>();
  for (const run of runs) {
    const list = counted.get(run.path) ?? [];
    list.push({ ...run, commits: 0, deliveries: new Map() });
    counted.set(run.path, list);
  }
  for (const touch of touches) {
    if (isFileEvent(touch)) continue;
    let list = counted.get(touch.path);
    if (!list) {
      list = [{ path: touch.path, after: null, through: null, commits: 0, deliveries: new Map() }];
      counted.set(touch.path, list);
    }
    const run = list.find((r) => inRun(r, touch));
    if (!run) continue; // a run an event discards
    run.commits += 1;
    for (const personId of new Set(touch.authorIds))
      run.deliveries.set(personId, (run.deliveries.get(personId) ?? 0) + 1);
  }
  return replayFileHistories(events, [...counted.values()].flat(), keep);
}

export interface KnowledgeAuthor {
  personId: number;
  /** The files they author, by path. */
  files: string[];
}

export interface StageKnowledge {
  /** The stage's hand-written files the history knows. */
  fileCount: number;
  /** Files nobody authors even before anyone leaves (only changed by many people a little each, say). */
  unauthoredFiles: number;
  /**
   * The fewest people whose departure leaves more than half of the files without an author: the
   * top authors, removed most files first. 0 when half the files have no author to begin with.
   */
  truckFactor: number;
  /** Files left without an author once the key people are gone. */
  orphanedWithoutKeyPeople: number;
  /** Everyone who authors a file, most files first (ties: fewer id first): the first `truckFactor` are the key people. */
  authors: KnowledgeAuthor[];
}

/**
 * The truck factor over `histories`: rank people by the number of files they author, then remove them in
 * that order until more than half of the files have no author left; the number removed is the truck factor.
 */
export function stageKnowledge(histories: FileHistory[]): StageKnowledge {
  const authorsByFile = histories.map((h) => ({ path: h.path, authors: fileAuthors(h) }));
  const filesByPerson = new Map<number, string[]>();
  for (const { path, authors } of authorsByFile) {
    for (const personId of authors) filesByPerson.set(personId, [...(filesByPerson.get(personId) ?? []), path]);
  }
  const authors = [...filesByPerson]
    .map(([personId, files]) => ({ personId, files }))
    .sort((a, b) => b.files.length - a.files.length || a.personId - b.personId);
  const total = authorsByFile.length;
  const orphaned = (gone: Set<number>) =>
    authorsByFile.filter((f) => f.authors.every((personId) => gone.has(personId))).length;
  const gone = new Set<number>();
  let truckFactor = 0;
  while (total > 0 && orphaned(gone) <= total * ORPHANED_SHARE && truckFactor < authors.length) {
    gone.add(authors[truckFactor]?.personId ?? -1);
    truckFactor += 1;
  }
  return {
    fileCount: total,
    unauthoredFiles: orphaned(new Set()),
    truckFactor,
    orphanedWithoutKeyPeople: orphaned(gone),
    authors,
  };
}

/** Whether `path` is one of the stage's hand-written files: its first path rule names the stage, and no tool writes it. */
export function isStageSourceFile(config: CompiledConfig, stageId: string, path: string): boolean {
  if (config.excluded.some((rule) => rule.regex.test(path))) return false;
  const rule = config.pathRules.find((r) => r.regex.test(path));
  return rule?.stage === stageId && !isGeneratedPath(config, path);
}

/**
 * The literal beginnings of the stage's hand-written path rules (`Tools/jit/` for `Tools/jit/**`, the
 * whole path for `Python/jit.c`): a database can find the candidate files by range on an index, and
 * `isStageSourceFile` decides.
 */
export function stagePathPrefixes(config: CompiledConfig, stageId: string): string[] {
  const prefixes = config.pathRules
    .filter((rule) => rule.stage === stageId && !rule.generated)
    .map((rule) => rule.glob.slice(0, rule.glob.search(/[*?]|$/)));
  // A prefix inside another is already covered by it.
  return [...new Set(prefixes)].filter((p, _, all) => !all.some((q) => q !== p && p.startsWith(q))).sort();
}
