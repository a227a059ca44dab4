import { z } from "zod";
import type { StewardConfig } from "./config";
import { describeAsOf, effectiveAsOf, type Coverage } from "./coverage";
import { isValidDate, MAX_WINDOW_DAYS, todayUtc } from "./metrics";

export interface WindowParams {
  asOf: string;
  windowDays: number;
  min: number;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; message: string };

const positiveInt = (name: string, max: number, unit = "") =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(z.number().int().min(1, `${name} must be at least 1`).max(max, `${name} must be at most ${max}${unit}`));

const windowSchema = z.object({
  asOf: z.string().refine(isValidDate, "asOf must be a calendar date written YYYY-MM-DD, e.g. 2026-03-17").optional(),
  window: positiveInt("window", MAX_WINDOW_DAYS, " days").optional(),
  min: positiveInt("min", 1000).optional(),
});

const windowKeys = ["asOf", "window", "min"] as const;

function firstMessage(error: z.ZodError): string {
  return error.issues.map((issue) => issue.message).join("; ");
}

function emptyToUndefined(params: URLSearchParams, keys: string[]): Record<string, string | undefined> {
  return Object.fromEntries(keys.map((key) => [key, params.get(key)?.trim() || undefined]));
}

/** The window a page measures in, and what to say about its as-of day against the data's coverage. */
export interface WindowChoice {
  params: WindowParams;
  notes: string[];
}

/**
 * `?asOf=YYYY-MM-DD&window=DAYS&min=N`, each optional: defaults are today (the newest data day when today
 * is past the data, see `effectiveAsOf`) and the configured maintainer rule. A bad value yields a message
 * naming the parameter and the expected form.
 */
export function parseWindowParams(
  params: URLSearchParams,
  config: StewardConfig,
  { today = todayUtc(), coverage = null }: { today?: string; coverage?: Coverage | null } = {},
): ParseResult<WindowChoice> {
  const parsed = windowSchema.safeParse(emptyToUndefined(params, [...windowKeys]));
  if (!parsed.success) return { ok: false, message: firstMessage(parsed.error) };
  const { asOf, reason } = effectiveAsOf(parsed.data.asOf, today, coverage);
  const windowDays = parsed.data.window ?? config.maintainerRule.windowDays;
  return {
    ok: true,
    value: {
      params: { asOf, windowDays, min: parsed.data.min ?? config.maintainerRule.minContributions },
      notes: describeAsOf({ asOf, reason, today, windowDays, coverage }),
    },
  };
}

/**
 * The window parameters a link carries on: those the reader set in `search`, none of the defaults, and
 * none that are invalid (the 400 page's links lead back to working pages).
 */
export function keptWindowParams(search: string | URLSearchParams): URLSearchParams {
  const from = typeof search === "string" ? new URLSearchParams(search) : search;
  const kept = new URLSearchParams();
  for (const key of windowKeys) {
    const value = from.get(key)?.trim();
    if (value && windowSchema.shape[key].safeParse(value).success) kept.set(key, value);
  }
  return kept;
}

export const taskStates = ["all", "open", "free", "claimed", "done"] as const;

const contributionSchema = z.object({
  sha: z
    .string()
    .regex(/^[0-9a-fA-F]{4,40}$/, "sha must be 4 to 40 hexadecimal characters")
    .optional(),
  pr: positiveInt("pr", 10_000_000).optional(),
  stage: z.string().optional(),
  q: z.string().max(200, "q must be at most 200 characters").optional(),
  who: z.string().max(100, "who must be at most 100 characters").optional(),
  person: positiveInt("person", Number.MAX_SAFE_INTEGER).optional(),
  from: z.string().refine(isValidDate, "from must be a date written YYYY-MM-DD").optional(),
  to: z.string().refine(isValidDate, "to must be a date written YYYY-MM-DD").optional(),
  page: positiveInt("page", 100_000).optional(),
  state: z.enum(taskStates, { message: `state must be one of ${taskStates.join(", ")}` }).optional(),
});

export type ContributionParams = z.infer<typeof contributionSchema>;

/** The filters of /contributions, /tasks and their JSON twins. Stage ids are checked by the caller (unknown → 404). */
export function parseListParams(params: URLSearchParams): ParseResult<ContributionParams> {
  const parsed = contributionSchema.safeParse(
    emptyToUndefined(params, ["sha", "pr", "stage", "q", "who", "person", "from", "to", "page", "state"]),
  );
  if (!parsed.success) return { ok: false, message: firstMessage(parsed.error) };
  const { from, to } = parsed.data;
  if (from && to && from > to) return { ok: false, message: `from (${from}) must not be after to (${to})` };
  return { ok: true, value: parsed.data };
}

/** True for a configured stage id, or "none" (no stage) where `allowNone`. */
export function isKnownStage(config: StewardConfig, stage: string, allowNone = true): boolean {
  return (allowNone && stage === "none") || config.stages.some((s) => s.id === stage);
}

/**
 * /contributions' stage choices beyond the stage ids: "any" (JIT work: any stage, its default) and "all"
 * (every contribution, the API's default).
 */
export const contributionStageWords = ["any", "all"] as const;

/**
 * The stage filter /contributions queries with: JIT work (`any`) when the reader chose none, nothing
 * for "all", else the stage id or "none".
 */
export function contributionPageStage(stage: string | undefined): string | undefined {
  if (stage === undefined) return "any";
  return stage === "all" ? undefined : stage;
}

/** The 404 message for a stage id the configuration does not know, or null when it is known. */
export function unknownStageMessage(
  config: StewardConfig,
  stage: string | undefined,
  words: readonly string[] = [],
): string | null {
  if (!stage || isKnownStage(config, stage) || words.includes(stage)) return null;
  return `There is no stage "${stage}". Configured stages: ${config.stages.map((s) => s.id).join(", ")}, or "none".`;
}

/**
 * A LIKE pattern matching values that contain `text`: its own `%`, `_` and `\` are escaped with `\`
 * (the query says `escape '\'`), so a search for "100%" or "_POP_TOP" means those characters.
 */
export function containsPattern(text: string): string {
  return `%${text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
