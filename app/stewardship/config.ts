import { createHash } from "node:crypto";
import { z } from "zod";
import picomatch from "picomatch";
import type { IdentityEntry } from "./identity-resolution";
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

// A member of an identities entry: an e-mail address, a GitHub `@login`, or a name exactly as written.
const identityMemberSchema = z
  .string()
  .trim()
  .min(1, "must be an e-mail address, a GitHub @login or a name exactly as it appears in the history")
  .refine((m) => m !== "@" && !/^@.*@/.test(m), "must be an e-mail address (a@b.org) or a login (@login), not both");

const identityEntrySchema = z
  .object({
    merge: z.array(identityMemberSchema).min(2, "must list at least two identities to join").optional(),
    keepApart: z.array(identityMemberSchema).min(2, "must list at least two identities to keep apart").optional(),
    reason: z.string().optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    if ((entry.merge === undefined) === (entry.keepApart === undefined)) {
      ctx.addIssue({
        code: "custom",
        message:
          'must have either "merge" or "keepApart" (a list of e-mails, @logins or names), e.g. { "merge": ["brandtbucher@gmail.com", "@brandtbucher"] }',
      });
    }
  })
  .transform((entry): IdentityEntry => {
    const reason = entry.reason === undefined ? {} : { reason: entry.reason };
    return entry.keepApart ? { keepApart: entry.keepApart, ...reason } : { merge: entry.merge ?? [], ...reason };
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
    /**
     * Other files a tool writes (`make regen-all`) that no path rule marks `generated`: like those, they
     * are never among a stage's busiest files. They do not change how contributions are labelled.
     */
    generatedPaths: z.array(globSchema).default([]),
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
    /** The onboarding funnel: a newcomer's second contribution within `returnWindowDays` is a return. */
    onboarding: z.object({ returnWindowDays: z.number().int().min(1).max(MAX_WINDOW_DAYS).default(90) }).default({}),
    /** Corrections to identity resolution: they win over every rule. */
    identities: z.array(identityEntrySchema).default([]),
    /** GitHub logins who may write (plans, …) besides every active maintainer of a stage. */
    stewards: z
      .array(
        z
          .string()
          .trim()
          .regex(/^@?[\w-]+$/, "must be a GitHub login such as brandtbucher"),
      )
      .default([]),
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

// Bumped when the identity rules in identity-resolution.ts change, so stored people are resolved again.
const IDENTITY_RULES_VERSION = 1;

/**
 * A short hash of what decides who is one person: the identity rules' version and the `identities`
 * entries. Stored after each resolution, so an edited file re-resolves stored people.
 */
export function identityVersion(config: StewardConfig): string {
  const relevant = { rules: IDENTITY_RULES_VERSION, identities: config.identities };
  return createHash("sha256").update(JSON.stringify(relevant)).digest("hex").slice(0, 12);
}

/** The configuration with its globs compiled once, as the classifier and importers use it. */
export interface CompiledConfig {
  config: StewardConfig;
  version: string;
  /** See identityVersion. */
  identityVersion: string;
  stageIds: string[];
  /** Who counts as a stage's active maintainer: at least `minCredit` of credit in the last `windowDays`. */
  maintainerRule: { windowDays: number; minCredit: number };
  pathRules: Array<StewardConfig["paths"][number] & { regex: RegExp }>;
  excluded: Array<StewardConfig["excludedPaths"][number] & { regex: RegExp }>;
  generated: RegExp[];
  bots: RegExp[];
}

export function compileConfig(config: StewardConfig): CompiledConfig {
  return {
    config,
    version: configVersion(config),
    identityVersion: identityVersion(config),
    stageIds: config.stages.map((s) => s.id),
    maintainerRule: { windowDays: config.maintainerRule.windowDays, minCredit: config.maintainerRule.minContributions },
    pathRules: config.paths.map((rule) => ({ ...rule, regex: globToRegExp(rule.glob) })),
    excluded: config.excludedPaths.map((rule) => ({ ...rule, regex: globToRegExp(rule.glob) })),
    generated: config.generatedPaths.map(globToRegExp),
    bots: config.bots.map((pattern) => globToRegExp(pattern.toLowerCase())),
  };
}

export function isBot(compiled: CompiledConfig, loginOrName: string): boolean {
  const value = loginOrName.toLowerCase();
  return compiled.bots.some((regex) => regex.test(value));
}

/**
 * Whether a tool writes this file rather than a person: its path rule says `generated`, or it is one of
 * `generatedPaths`. Such files follow their sources around, so they say nothing about where work went.
 */
export function isGeneratedPath(compiled: CompiledConfig, path: string): boolean {
  if (compiled.generated.some((regex) => regex.test(path))) return true;
  return compiled.pathRules.find((rule) => rule.regex.test(path))?.generated ?? false;
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
