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
  | "keyword";

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

function classifyPath(config: CompiledConfig, path: string): FileClass {
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
  const evidence: Evidence[] = [];
  const stageLines = new Map<string, number>();
  const stageFiles = new Map<string, number>();
  const generatedByStage = new Map<string, string[]>();
  const fileEvidenceCount = new Map<string, number>();
  let otherLines = 0;
  let otherFiles = 0;
  let sharedHandwritten = 0;
  let jitRelated = false;

  const addFileEvidence = (item: Evidence) => {
    const key = `${item.rule}:${item.stageId ?? ""}`;
    const count = (fileEvidenceCount.get(key) ?? 0) + 1;
    fileEvidenceCount.set(key, count);
    if (count <= MAX_FILE_EVIDENCE) evidence.push(item);
  };

  for (const file of facts.files) {
    const lines = linesOf(file);
    const fileClass = classifyPath(config, file.path);
    switch (fileClass.kind) {
      case "other":
        otherLines += lines;
        otherFiles += 1;
        break;
      case "excluded":
        otherLines += lines;
        otherFiles += 1;
        addFileEvidence({
          rule: "excluded",
          stageId: null,
          detail: `${file.path} is excluded${fileClass.reason ? ` (${fileClass.reason})` : ""}`,
          weight: 0,
        });
        break;
      case "shared":
        jitRelated = true;
        if (!fileClass.generated) sharedHandwritten += 1;
        addFileEvidence({
          rule: "shared",
          stageId: null,
          detail: `${file.path} is shared by the stages${fileClass.generated ? " (generated)" : ""}: it places the work in no stage by itself`,
          weight: 0,
        });
        break;
      case "stage": {
        jitRelated = true;
        if (fileClass.generated) {
          generatedByStage.set(fileClass.stageId, [...(generatedByStage.get(fileClass.stageId) ?? []), file.path]);
          break;
        }
        const factor = fileClass.ambiguous ? AMBIGUOUS_FACTOR : 1;
        stageLines.set(fileClass.stageId, (stageLines.get(fileClass.stageId) ?? 0) + lines * factor);
        stageFiles.set(fileClass.stageId, (stageFiles.get(fileClass.stageId) ?? 0) + factor);
        addFileEvidence({
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

  for (const [stageId, paths] of generatedByStage) {
    const withSource = (stageFiles.get(stageId) ?? 0) > 0;
    for (const path of paths) {
      addFileEvidence({
        rule: withSource ? "generated-counted" : "generated-ignored",
        stageId,
        detail: withSource
          ? `${path} is generated; counted with its hand-written ${stageId} source edited alongside`
          : `${path} is generated and its source was not edited here, so it earns no ${stageId} credit`,
        weight: 0,
      });
    }
  }

  for (const [key, count] of fileEvidenceCount) {
    if (count > MAX_FILE_EVIDENCE) {
      const [rule, stageId] = key.split(":");
      evidence.push({
        rule: (rule ?? "path") as EvidenceRule,
        stageId: stageId || null,
        detail: `…and ${count - MAX_FILE_EVIDENCE} more files of the same kind`,
        weight: 0,
      });
    }
  }

  const totalStageLines = [...stageLines.values()].reduce((a, b) => a + b, 0);
  const totalStageFiles = [...stageFiles.values()].reduce((a, b) => a + b, 0);
  const lineDenominator = totalStageLines + otherLines;
  const fileDenominator = totalStageFiles + otherFiles;
  const totalFiles = facts.files.length;

  const scores: Record<string, number> = Object.fromEntries(config.stageIds.map((id) => [id, 0]));
  const placedBy = new Map<string, boolean>();

  for (const [stageId, lines] of stageLines) {
    const files = stageFiles.get(stageId) ?? 0;
    const lineShare = lineDenominator > 0 ? lines / lineDenominator : 0;
    const fileShare = fileDenominator > 0 ? files / fileDenominator : 0;
    const share = Math.max(lineShare, fileShare);
    const words = `${percent(lineShare)} of the changed lines and ${percent(fileShare)} of the changed files outside shared JIT code`;
    if (share >= minStageShare) {
      scores[stageId] = (scores[stageId] ?? 0) + share;
      placedBy.set(stageId, true);
      evidence.push({ rule: "share", stageId, detail: `${stageId} files are ${words}`, weight: share });
    } else {
      evidence.push({
        rule: "graze",
        stageId,
        detail: `${stageId} files are only ${words} (${totalFiles} files in all): a wide change that grazes the stage, below the ${percent(minStageShare)} share that earns a label`,
        weight: 0,
      });
    }
  }

  // A change counts as a sweep for inheritance when JIT code is a small part of it.
  const jitFiles = totalStageFiles + sharedHandwritten;
  const jitPart = totalFiles === 0 ? 1 : jitFiles / Math.max(1, jitFiles + otherFiles);
  // Only generated files changed: a `make regen-cases` run, whatever it references.
  const onlyRegenerated = totalFiles > 0 && jitFiles === 0 && otherFiles === 0;

  for (const umbrella of config.config.umbrellaIssues) {
    if (!facts.refs.includes(umbrella.number)) continue;
    jitRelated = true;
    if (onlyRegenerated) {
      evidence.push({
        rule: "umbrella-ignored",
        stageId: umbrella.stage,
        detail: `references gh-${umbrella.number} but only regenerates files, which earns no credit`,
        weight: 0,
      });
    } else if (jitPart < minStageShare) {
      evidence.push({
        rule: "umbrella-ignored",
        stageId: umbrella.stage,
        detail: `references gh-${umbrella.number}, but JIT files are ${percent(jitPart)} of this ${totalFiles}-file change, so the umbrella's stage is not inherited`,
        weight: 0,
      });
    } else {
      scores[umbrella.stage] = (scores[umbrella.stage] ?? 0) + UMBRELLA_WEIGHT;
      placedBy.set(umbrella.stage, true);
      evidence.push({
        rule: "umbrella",
        stageId: umbrella.stage,
        detail: `references gh-${umbrella.number} "${umbrella.title}", a ${umbrella.stage} tracking issue`,
        weight: UMBRELLA_WEIGHT,
      });
    }
  }

  const labels = new Set(facts.labels.map((l) => l.toLowerCase()));
  for (const rule of config.config.labels) {
    if (!labels.has(rule.label.toLowerCase())) continue;
    jitRelated = true;
    if (rule.marks === "jit") {
      evidence.push({
        rule: "label",
        stageId: null,
        detail: `labelled ${rule.label}: JIT work, no stage by itself`,
        weight: 0,
      });
    } else {
      scores[rule.marks] = (scores[rule.marks] ?? 0) + LABEL_WEIGHT;
      placedBy.set(rule.marks, true);
      evidence.push({ rule: "label", stageId: rule.marks, detail: `labelled ${rule.label}`, weight: LABEL_WEIGHT });
    }
  }

  const keywordTotals = new Map<string, number>();
  for (const keyword of config.config.keywords) {
    if (!matchesKeyword(facts.title, keyword.word)) continue;
    if (!keyword.stage) {
      evidence.push({
        rule: "keyword",
        stageId: null,
        detail: `title mentions "${keyword.word}" (weak evidence)`,
        weight: 0,
      });
      continue;
    }
    const before = keywordTotals.get(keyword.stage) ?? 0;
    const weight = Math.min(KEYWORD_WEIGHT, KEYWORD_CAP - before);
    if (weight <= 0) continue;
    keywordTotals.set(keyword.stage, before + weight);
    scores[keyword.stage] = (scores[keyword.stage] ?? 0) + weight;
    evidence.push({
      rule: "keyword",
      stageId: keyword.stage,
      detail: `title mentions "${keyword.word}" (weak evidence, never enough alone)`,
      weight,
    });
  }

  const stages = Object.entries(scores)
    .filter(([stageId, score]) => placedBy.get(stageId) === true && score >= minStageShare)
    .map(([stageId, score]) => ({ stageId, score: Math.round(score * 1000) / 1000 }))
    .sort((a, b) => b.score - a.score || a.stageId.localeCompare(b.stageId));

  return { stages, scores, evidence, jitRelated };
}
