import type { CompiledConfig } from "./config";

export interface FileChange {
  path: string;
  /** null for binary files. */
  added: number | null;
  deleted: number | null;
}

/** What the classifier looks at: the same shape for a commit, a pull request or an issue. */
export interface ContributionFacts {
  title: string;
  files: FileChange[];
  /** Issue numbers the contribution references (`gh-134584: …`). */
  refs: number[];
  labels: string[];
}

export type EvidenceRule =
  | "path"
  | "ambiguous-path"
  | "generated-counted"
  | "generated-ignored"
  | "shared"
  | "excluded"
  | "share"
  | "graze"
  | "umbrella"
  | "umbrella-ignored"
  | "label"
  | "keyword"
  | "correction";

/** One reason for (or against) a label, in words a maintainer can check. */
export interface Evidence {
  rule: EvidenceRule;
  stageId: string | null;
  detail: string;
  /** What this piece added to the stage's score (0 when it only explains). */
  weight: number;
}

export interface StageVerdict {
  stageId: string;
  score: number;
}

export interface Classification {
  /** The stages this contribution is labelled with, strongest first. Empty means "no stage". */
  stages: StageVerdict[];
  /** Every configured stage's score, including those below the threshold. */
  scores: Record<string, number>;
  evidence: Evidence[];
  /** True when anything JIT-related was seen, even if no single stage earned the label. */
  jitRelated: boolean;
}

const UMBRELLA_WEIGHT = 1;
const LABEL_WEIGHT = 0.5;
const KEYWORD_WEIGHT = 0.1;
const KEYWORD_CAP = 0.2;
const AMBIGUOUS_FACTOR = 0.5;
/** How many file-level evidence lines to keep per rule before summarising; sweeps touch hundreds. */
const MAX_FILE_EVIDENCE = 8;

type FileClass =
  | { kind: "stage"; stageId: string; generated: boolean; ambiguous: boolean }
  | { kind: "shared"; generated: boolean }
  | { kind: "excluded"; reason: string }
  | { kind: "other" };

// A path's class depends only on the configuration: a history of tens of thousands of commits names a
// few thousand distinct paths, each tried against every rule once rather than once per commit.
const pathClasses = new WeakMap<CompiledConfig, Map<string, FileClass>>();
const MAX_CACHED_PATHS = 200_000;

function classifyPath(config: CompiledConfig, path: string): FileClass {
  let cache = pathClasses.get(config);
  if (!cache) {
    cache = new Map();
    pathClasses.set(config, cache);
  }
  let fileClass = cache.get(path);
  if (!fileClass) {
    if (cache.size >= MAX_CACHED_PATHS) cache.clear();
    fileClass = classifyPathByRules(config, path);
    cache.set(path, fileClass);
  }
  return fileClass;
}

function classifyPathByRules(config: CompiledConfig, path: string): FileClass {
  const excluded = config.excluded.find((rule) => rule.regex.test(path));
  if (excluded) return { kind: "excluded", reason: excluded.reason };
  const rule = config.pathRules.find((r) => r.regex.test(path));
  if (!rule) return { kind: "other" };
  if (rule.stage === "shared") return { kind: "shared", generated: rule.generated };
  return { kind: "stage", stageId: rule.stage, generated: rule.generated, ambiguous: rule.ambiguous };
}

function linesOf(file: FileChange): number {
  if (file.added === null || file.deleted === null) return 1; // binary: one unit, whatever its size
  return Math.max(1, file.added + file.deleted);
}

function percent(share: number): string {
  const value = share * 100;
  return `${value >= 10 || value === 0 ? value.toFixed(0) : value.toFixed(1)}%`;
}

function keywordRegExp(word: string): RegExp {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "[\\s_-]?");
  return new RegExp(`\\b${escaped}(?:s|es|ing|ed)?\\b`, "i");
}

const keywordCache = new Map<string, RegExp>();
function matchesKeyword(title: string, word: string): boolean {
  let regex = keywordCache.get(word);
  if (!regex) {
    regex = keywordRegExp(word);
    keywordCache.set(word, regex);
  }
  return regex.test(title);
}

/** Evidence about single files, capped per rule and stage: sweeps touch hundreds of files. */
function cappedFileEvidence() {
  const evidence: Evidence[] = [];
  const counts = new Map<string, number>();
  return {
    add(item: Evidence) {
      const key = `${item.rule}:${item.stageId ?? ""}`;
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      if (count <= MAX_FILE_EVIDENCE) evidence.push(item);
    },
    /** The kept lines, then one "…and N more" line per rule and stage that was capped. */
    list(): Evidence[] {
      const summaries = [...counts]
        .filter(([, count]) => count > MAX_FILE_EVIDENCE)
        .map(([key, count]): Evidence => {
          const [rule, stageId] = key.split(":");
          return {
            rule: (rule ?? "path") as EvidenceRule,
            stageId: stageId || null,
            detail: `…and ${count - MAX_FILE_EVIDENCE} more files of the same kind`,
            weight: 0,
          };
        });
      return [...evidence, ...summaries];
    },
  };
}

/** What the changed files say, before any stage is weighed. */
interface FileTally {
  /** Hand-written stage lines and files, ambiguous ones at half weight. */
  stageLines: ReadonlyMap<string, number>;
  stageFiles: ReadonlyMap<string, number>;
  /** Everything neither JIT-shared nor a stage's: the rest of the tree, excluded files included. */
  otherLines: number;
  otherFiles: number;
  sharedHandwritten: number;
  jitRelated: boolean;
  evidence: Evidence[];
}

const noStages: ReadonlyMap<string, number> = new Map();

function tallyFiles(config: CompiledConfig, files: FileChange[]): FileTally {
  // Most changes touch no JIT file at all: their tally is two sums, with no evidence to build.
  if (files.every((file) => classifyPath(config, file.path).kind === "other")) {
    let otherLines = 0;
    for (const file of files) otherLines += linesOf(file);
    return {
      stageLines: noStages,
      stageFiles: noStages,
      otherLines,
      otherFiles: files.length,
      sharedHandwritten: 0,
      jitRelated: false,
      evidence: [],
    };
  }
  const stageLines = new Map<string, number>();
  const stageFiles = new Map<string, number>();
  const tally: FileTally = {
    stageLines,
    stageFiles,
    otherLines: 0,
    otherFiles: 0,
    sharedHandwritten: 0,
    jitRelated: false,
    evidence: [],
  };
  const generatedByStage = new Map<string, string[]>();
  const fileEvidence = cappedFileEvidence();

  for (const file of files) {
    const lines = linesOf(file);
    const fileClass = classifyPath(config, file.path);
    switch (fileClass.kind) {
      case "other":
        tally.otherLines += lines;
        tally.otherFiles += 1;
        break;
      case "excluded":
        tally.otherLines += lines;
        tally.otherFiles += 1;
        fileEvidence.add({
          rule: "excluded",
          stageId: null,
          detail: `${file.path} is excluded${fileClass.reason ? ` (${fileClass.reason})` : ""}`,
          weight: 0,
        });
        break;
      case "shared":
        tally.jitRelated = true;
        if (!fileClass.generated) tally.sharedHandwritten += 1;
        fileEvidence.add({
          rule: "shared",
          stageId: null,
          detail: `${file.path} is shared by the stages${fileClass.generated ? " (generated)" : ""}: it places the work in no stage by itself`,
          weight: 0,
        });
        break;
      case "stage": {
        tally.jitRelated = true;
        if (fileClass.generated) {
          generatedByStage.set(fileClass.stageId, [...(generatedByStage.get(fileClass.stageId) ?? []), file.path]);
          break;
        }
        const factor = fileClass.ambiguous ? AMBIGUOUS_FACTOR : 1;
        stageLines.set(fileClass.stageId, (stageLines.get(fileClass.stageId) ?? 0) + lines * factor);
        stageFiles.set(fileClass.stageId, (stageFiles.get(fileClass.stageId) ?? 0) + factor);
        fileEvidence.add({
          rule: fileClass.ambiguous ? "ambiguous-path" : "path",
          stageId: fileClass.stageId,
          detail: fileClass.ambiguous
            ? `${file.path} (${lines} lines) is ambiguous for ${fileClass.stageId}, counted at half weight`
            : `${file.path} (${lines} lines) belongs to ${fileClass.stageId}`,
          weight: 0,
        });
        break;
      }
    }
  }

  // Generated files are judged once every hand-written file is known.
  for (const [stageId, paths] of generatedByStage) {
    const withSource = (tally.stageFiles.get(stageId) ?? 0) > 0;
    for (const path of paths) {
      fileEvidence.add({
        rule: withSource ? "generated-counted" : "generated-ignored",
        stageId,
        detail: withSource
          ? `${path} is generated; counted with its hand-written ${stageId} source edited alongside`
          : `${path} is generated and its source was not edited here, so it earns no ${stageId} credit`,
        weight: 0,
      });
    }
  }

  tally.evidence = fileEvidence.list();
  return tally;
}

const sum = (values: Iterable<number>) => [...values].reduce((a, b) => a + b, 0);

/** The scores being built, the stages a placing rule (share, umbrella, label) named, and why. */
interface Scoring {
  scores: Record<string, number>;
  placed: Set<string>;
  evidence: Evidence[];
}

/** Evidence that only explains: it adds nothing to a score. */
function explain(scoring: Scoring, evidence: Omit<Evidence, "weight">): void {
  scoring.evidence.push({ ...evidence, weight: 0 });
}

/** Evidence that adds its weight to a stage's score; `places` if the rule may label the stage by itself. */
function credit(scoring: Scoring, evidence: Evidence & { stageId: string }, { places }: { places: boolean }): void {
  scoring.scores[evidence.stageId] = (scoring.scores[evidence.stageId] ?? 0) + evidence.weight;
  if (places) scoring.placed.add(evidence.stageId);
  scoring.evidence.push(evidence);
}

/** Each stage's share of the change: the larger of its share of lines and of files outside shared code. */
function weighShares(scoring: Scoring, tally: FileTally, totalFiles: number, minStageShare: number): void {
  const lineDenominator = sum(tally.stageLines.values()) + tally.otherLines;
  const fileDenominator = sum(tally.stageFiles.values()) + tally.otherFiles;
  for (const [stageId, lines] of tally.stageLines) {
    const files = tally.stageFiles.get(stageId) ?? 0;
    const lineShare = lineDenominator > 0 ? lines / lineDenominator : 0;
    const fileShare = fileDenominator > 0 ? files / fileDenominator : 0;
    const share = Math.max(lineShare, fileShare);
    const words = `${percent(lineShare)} of the changed lines and ${percent(fileShare)} of the changed files outside shared JIT code`;
    if (share >= minStageShare) {
      credit(
        scoring,
        { rule: "share", stageId, detail: `${stageId} files are ${words}`, weight: share },
        { places: true },
      );
    } else {
      explain(scoring, {
        rule: "graze",
        stageId,
        detail: `${stageId} files are only ${words} (${totalFiles} files in all): a wide change that grazes the stage, below the ${percent(minStageShare)} share that earns a label`,
      });
    }
  }
}

/**
 * A referenced umbrella issue's stage is inherited, unless the change only regenerates files or is a
 * sweep in which JIT code is a small part. Returns whether any umbrella was referenced.
 */
function inheritUmbrellas(
  scoring: Scoring,
  config: CompiledConfig,
  refs: number[],
  tally: FileTally,
  totalFiles: number,
): boolean {
  const { minStageShare } = config.config.classification;
  const jitFiles = sum(tally.stageFiles.values()) + tally.sharedHandwritten;
  const jitPart = totalFiles === 0 ? 1 : jitFiles / Math.max(1, jitFiles + tally.otherFiles);
  // Only generated files changed: a `make regen-cases` run, whatever it references.
  const onlyRegenerated = totalFiles > 0 && jitFiles === 0 && tally.otherFiles === 0;

  const umbrellas = config.config.umbrellaIssues.filter((umbrella) => refs.includes(umbrella.number));
  for (const umbrella of umbrellas) {
    const stageId = umbrella.stage;
    if (onlyRegenerated) {
      explain(scoring, {
        rule: "umbrella-ignored",
        stageId,
        detail: `references gh-${umbrella.number} but only regenerates files, which earns no credit`,
      });
    } else if (jitPart < minStageShare) {
      explain(scoring, {
        rule: "umbrella-ignored",
        stageId,
        detail: `references gh-${umbrella.number}, but JIT files are ${percent(jitPart)} of this ${totalFiles}-file change, so the umbrella's stage is not inherited`,
      });
    } else {
      const detail = `references gh-${umbrella.number} "${umbrella.title}", a ${stageId} tracking issue`;
      credit(scoring, { rule: "umbrella", stageId, detail, weight: UMBRELLA_WEIGHT }, { places: true });
    }
  }
  return umbrellas.length > 0;
}

/** GitHub labels that mark a stage, or only JIT work. Returns whether any configured label was seen. */
function applyLabels(scoring: Scoring, config: CompiledConfig, labels: string[]): boolean {
  if (labels.length === 0) return false; // commits have none
  const seen = new Set(labels.map((l) => l.toLowerCase()));
  const matching = config.config.labels.filter((rule) => seen.has(rule.label.toLowerCase()));
  for (const rule of matching) {
    if (rule.marks === "jit") {
      explain(scoring, {
        rule: "label",
        stageId: null,
        detail: `labelled ${rule.label}: JIT work, no stage by itself`,
      });
    } else {
      const detail = `labelled ${rule.label}`;
      credit(scoring, { rule: "label", stageId: rule.marks, detail, weight: LABEL_WEIGHT }, { places: true });
    }
  }
  return matching.length > 0;
}

/** Title keywords: weak evidence, capped per stage, and never enough to place a contribution. */
function applyKeywords(scoring: Scoring, config: CompiledConfig, title: string): void {
  const keywordTotals = new Map<string, number>();
  for (const keyword of config.config.keywords) {
    if (!matchesKeyword(title, keyword.word)) continue;
    if (!keyword.stage) {
      explain(scoring, { rule: "keyword", stageId: null, detail: `title mentions "${keyword.word}" (weak evidence)` });
      continue;
    }
    const before = keywordTotals.get(keyword.stage) ?? 0;
    const weight = Math.min(KEYWORD_WEIGHT, KEYWORD_CAP - before);
    if (weight <= 0) continue;
    keywordTotals.set(keyword.stage, before + weight);
    const detail = `title mentions "${keyword.word}" (weak evidence, never enough alone)`;
    credit(scoring, { rule: "keyword", stageId: keyword.stage, detail, weight }, { places: false });
  }
}

/** The placed stages that reach the share threshold, strongest first. */
function pickStages({ scores, placed }: Scoring, minStageShare: number): StageVerdict[] {
  return Object.entries(scores)
    .filter(([stageId, score]) => placed.has(stageId) && score >= minStageShare)
    .map(([stageId, score]) => ({ stageId, score: Math.round(score * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score || a.stageId.localeCompare(b.stageId));
}

/**
 * Labels a contribution with the stages it is work on, and says why.
 *
 * Paths decide most of it. A stage is weighed by its share of the change — the larger of its share of
 * changed lines and of changed files, counting only hand-written stage files against everything else
 * that is not JIT-shared — so a repository-wide sweep that grazes a stage's file earns no label.
 * Generated files count only beside a hand-written file of their stage (a `make regen-cases` run
 * alone earns nothing). Shared files are neutral: they neither place the work nor dilute it. An
 * umbrella issue's stage is inherited unless the change is a sweep or regeneration only; labels and
 * title keywords add weaker evidence, and keywords alone never place a contribution.
 */
export function classifyContribution(config: CompiledConfig, facts: ContributionFacts): Classification {
  const { minStageShare } = config.config.classification;
  // In path order, whatever order the files came in (git's, GitHub's, a webhook's, a database's, which
  // differ between SQLite and PostgreSQL): the evidence names the same files in the same order however
  // the change is read back and reclassified.
  const files = [...facts.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const totalFiles = files.length;
  const tally = tallyFiles(config, files);
  const scoring: Scoring = {
    scores: Object.fromEntries(config.stageIds.map((id) => [id, 0])),
    placed: new Set(),
    evidence: tally.evidence,
  };
  weighShares(scoring, tally, totalFiles, minStageShare);
  const referencesUmbrella = inheritUmbrellas(scoring, config, facts.refs, tally, totalFiles);
  const labelled = applyLabels(scoring, config, facts.labels);
  applyKeywords(scoring, config, facts.title);
  return {
    stages: pickStages(scoring, minStageShare),
    scores: scoring.scores,
    evidence: scoring.evidence,
    jitRelated: tally.jitRelated || referencesUmbrella || labelled,
  };
}
