import { createHash } from "node:crypto";
import { z } from "zod";
import picomatch from "picomatch";
import { MAX_WINDOW_DAYS } from "./metrics";

/**
 * Compiles a configuration glob with picomatch: `**` crosses folders, `*` and `?` stay within one, and
 * every other character is literal, so `*[bot]` names bots rather than a character class. Paths are
 * repository-relative with forward slashes, as git prints them; dotfiles match (`.github/**`), and so
 * does a file name holding a newline (the `s` flag).
 */
export function globToRegExp(glob: string): RegExp {
  return picomatch.makeRe(glob.replace(/[\\()[\]{}!+@|^$]/g, "\\$&"), { dot: true, flags: "s" });
}

const stageIdPattern = /^[a-z][a-z0-9-]*$/;

const globSchema = z
  .string()
  .min(1, "must be a non-empty glob such as Python/jit.c or Tools/jit/**")
  .refine((glob) => !glob.startsWith("/"), "must be relative to the repository root (no leading /)");

const stageSchema = z.object({
  id: z.string().regex(stageIdPattern, "must be lower-case letters, digits and dashes, e.g. middle-end"),
  name: z.string().min(1),
  description: z.string().default(""),
  goal: z.number().int().min(1, "must be at least 1 maintainer").default(2),
});

const pathRuleSchema = z.object({
  glob: globSchema,
  /** A stage id, or "shared" for JIT-relevant files that belong to no single stage. */
  stage: z.string().min(1),
  generated: z.boolean().default(false),
  ambiguous: z.boolean().default(false),
});

const configSchema = z
  .object({
    $comment: z.string().optional(),
    project: z.object({
      repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "must be owner/repo, e.g. python/cpython"),
      branch: z.string().min(1).default("main"),
    }),
    stages: z.array(stageSchema).min(1, "must list at least one stage"),
    paths: z.array(pathRuleSchema).default([]),
    excludedPaths: z.array(z.object({ glob: globSchema, reason: z.string().default("") })).default([]),
    labels: z
      .array(
        z.object({
          label: z.string().min(1),
          /** A stage id, or "jit" for a label that marks work as JIT-related without naming a stage. */
          marks: z.string().min(1),
        }),
      )
      .default([]),
    umbrellaIssues: z
      .array(
        z.object({
          number: z.number().int().positive(),
          title: z.string().default(""),
          stage: z.string().min(1),
          starterTrack: z.boolean().default(false),
        }),
      )
      .default([]),
    keywords: z.array(z.object({ word: z.string().min(1), stage: z.string().optional() })).default([]),
    bots: z.array(z.string().min(1)).default([]),
    starterLabels: z.array(z.string().min(1)).default(["easy", "good first issue"]),
    maintainerRule: z
      .object({
        windowDays: z.number().int().min(1).max(MAX_WINDOW_DAYS).default(180),
        // The credit needed in the window: a contribution counts 1, a review its weight. The key keeps
        // its first name so existing files work; the code calls it minCredit.
        minContributions: z.number().int().min(1).default(2),
      })
      .default({}),
    classification: z.object({ minStageShare: z.number().gt(0).max(1).default(0.25) }).default({}),
  })
  .strict()
  .superRefine((config, ctx) => {
    const ids = new Set<string>();
    config.stages.forEach((stage, i) => {
      if (ids.has(stage.id))
        ctx.addIssue({ code: "custom", path: ["stages", i, "id"], message: `duplicate stage id "${stage.id}"` });
      ids.add(stage.id);
    });
    const known = [...ids].join(", ");
    const checkStage = (stage: string | undefined, path: (string | number)[], extra: string[]) => {
      if (stage !== undefined && !ids.has(stage) && !extra.includes(stage)) {
        const allowed = [known, ...extra].filter(Boolean).join(", ");
        ctx.addIssue({ code: "custom", path, message: `unknown stage "${stage}"; use one of: ${allowed}` });
      }
    };
    config.paths.forEach((rule, i) => checkStage(rule.stage, ["paths", i, "stage"], ["shared"]));
    config.labels.forEach((rule, i) => checkStage(rule.marks, ["labels", i, "marks"], ["jit"]));
    config.umbrellaIssues.forEach((issue, i) => checkStage(issue.stage, ["umbrellaIssues", i, "stage"], []));
    config.keywords.forEach((keyword, i) => checkStage(keyword.stage, ["keywords", i, "stage"], []));
  });

export type StewardConfig = z.infer<typeof configSchema>;
export type StageConfig = StewardConfig["stages"][number];

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parses and validates a configuration file's text. Every problem is reported as
 * `file: key.path: what is wrong`, so the person editing the file knows where to look.
 */
export function parseConfig(text: string, fileName: string): StewardConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${fileName}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const result = configSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = issue.path.length ? issue.path.join(".") : "(top level)";
      return `${fileName}: ${key}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid Steward configuration:\n  ${problems.join("\n  ")}`);
  }
  return result.data;
}

/**
 * A short hash of everything that affects how contributions are classified. Stored with every
 * classification, so a changed file is detected and stored contributions are reclassified.
 */
export function configVersion(config: StewardConfig): string {
  const { paths, excludedPaths, labels, umbrellaIssues, keywords, stages, classification, bots } = config;
  const relevant = {
    stages: stages.map((s) => s.id),
    paths,
    excludedPaths: excludedPaths.map((e) => e.glob),
    labels,
    umbrellaIssues: umbrellaIssues.map((u) => [u.number, u.stage]),
    keywords,
    classification,
    bots,
  };
  return createHash("sha256").update(JSON.stringify(relevant)).digest("hex").slice(0, 12);
}

/** The configuration with its globs compiled once, as the classifier and importers use it. */
export interface CompiledConfig {
  config: StewardConfig;
  version: string;
  stageIds: string[];
  /** Who counts as a stage's active maintainer: at least `minCredit` of credit in the last `windowDays`. */
  maintainerRule: { windowDays: number; minCredit: number };
  pathRules: Array<StewardConfig["paths"][number] & { regex: RegExp }>;
  excluded: Array<StewardConfig["excludedPaths"][number] & { regex: RegExp }>;
  bots: RegExp[];
}

export function compileConfig(config: StewardConfig): CompiledConfig {
  return {
    config,
    version: configVersion(config),
    stageIds: config.stages.map((s) => s.id),
    maintainerRule: { windowDays: config.maintainerRule.windowDays, minCredit: config.maintainerRule.minContributions },
    pathRules: config.paths.map((rule) => ({ ...rule, regex: globToRegExp(rule.glob) })),
    excluded: config.excludedPaths.map((rule) => ({ ...rule, regex: globToRegExp(rule.glob) })),
    bots: config.bots.map((pattern) => globToRegExp(pattern.toLowerCase())),
  };
}

export function isBot(compiled: CompiledConfig, loginOrName: string): boolean {
  const value = loginOrName.toLowerCase();
  return compiled.bots.some((regex) => regex.test(value));
}

/**
 * The repository paths whose history finds a stage's pull requests: hand-written stage files as
 * they are, `dir/**` globs as their folder. Other wildcards cannot be asked of git history.
 */
export function stageDiscoveryPaths(config: StewardConfig): string[] {
  const paths = config.paths
    .filter((rule) => rule.stage !== "shared" && !rule.generated)
    .flatMap((rule) => {
      const folder = /^([^*?[\]]+)\/\*\*$/.exec(rule.glob);
      if (folder?.[1]) return [folder[1]];
      return /[*?[\]]/.test(rule.glob) ? [] : [rule.glob];
    });
  return [...new Set(paths)];
}
