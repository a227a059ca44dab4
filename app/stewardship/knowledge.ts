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

/**
 * Each file's history, following renames and deletions in time order: a rename carries the old path's
 * history to the new one, an addition starts afresh (a file deleted and added again is a new file), a
 * copy is a new file created by the copier, a deletion ends the file. Only files `keep` accepts as they
 * stand at the end are returned, so a stage file renamed out of the stage is not the stage's.
 */
export function buildFileHistories(touches: FileTouch[], keep: (path: string) => boolean): FileHistory[] {
  // Time order, then contribution id. Sorting by a number per touch, not by comparing ISO strings, matters
  // at a stage's hundreds of thousands of changes (1M contributions).
  const ordered = touches
    .map((touch) => ({ touch, at: Date.parse(touch.occurredAt) }))
    .sort((a, b) => a.at - b.at || a.touch.contributionId - b.touch.contributionId)
    .map(({ touch }) => touch);
  const files = new Map<string, FileHistory>();
  const fresh = (path: string, creatorIds: number[]): FileHistory => ({
    path,
    creatorIds,
    deliveries: new Map(),
    commits: 0,
  });
  for (const touch of ordered) {
    if (touch.status === "D") {
      files.delete(touch.path);
      continue;
    }
    let history: FileHistory | undefined;
    if (touch.status === "A" || touch.status === "C") {
      history = fresh(touch.path, [...touch.authorIds]);
    } else if (touch.previousPath !== null && touch.previousPath !== touch.path) {
      history = files.get(touch.previousPath);
      files.delete(touch.previousPath);
    } else {
      history = files.get(touch.path);
    }
    history ??= fresh(touch.path, []);
    history.path = touch.path;
    history.commits += 1;
    // Most changes have one author: a Set (to count a person once per change) only for several.
    const authorIds = touch.authorIds.length > 1 ? new Set(touch.authorIds) : touch.authorIds;
    for (const personId of authorIds) history.deliveries.set(personId, (history.deliveries.get(personId) ?? 0) + 1);
    files.set(touch.path, history);
  }
  return [...files.values()].filter((f) => keep(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
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
