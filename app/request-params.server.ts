import { z } from "zod";
import { getConfig } from "./config.server";
import { badRequest, firstFormProblem, jsonError, notFound } from "./http.server";
import type { StewardConfig } from "./stewardship/config";
import type { Coverage } from "./stewardship/coverage";
import {
  parseListParams,
  parseWindowParams,
  unknownStageMessage,
  type ContributionParams,
  type WindowChoice,
} from "./stewardship/query-params";

/**
 * A page's `?asOf&window&min`, the as-of day chosen against the data's coverage, with what to say about
 * it; bad input throws a 400 whose message says what to fix.
 */
export function requireWindowParams(request: Request, config: StewardConfig, coverage: Coverage | null): WindowChoice {
  const params = parseWindowParams(new URL(request.url).searchParams, config, { coverage });
  if (!params.ok) throw badRequest(params.message);
  return params.value;
}

type CheckedListParams = { ok: true; value: ContributionParams } | { ok: false; status: 400 | 404; message: string };

function checkListParams(request: Request, config: StewardConfig, stageWords: readonly string[]): CheckedListParams {
  const params = parseListParams(new URL(request.url).searchParams);
  if (!params.ok) return { ok: false, status: 400, message: params.message };
  const unknownStage = unknownStageMessage(config, params.value.stage, stageWords);
  if (unknownStage) return { ok: false, status: 404, message: unknownStage };
  return params;
}

/** The filters of /contributions and /tasks: bad input throws a 400, an unknown stage a 404. */
export function requireListParams(
  request: Request,
  config: StewardConfig,
  { stageWords = [] }: { stageWords?: readonly string[] } = {},
): ContributionParams {
  const params = checkListParams(request, config, stageWords);
  if (!params.ok) throw params.status === 400 ? badRequest(params.message) : notFound(params.message);
  return params.value;
}

/** The same filters for the JSON API: the filters, or the `{ "error" }` response to return. */
export function apiListParams(
  request: Request,
  config: StewardConfig,
  { stageWords = [] }: { stageWords?: readonly string[] } = {},
): ContributionParams | Response {
  const params = checkListParams(request, config, stageWords);
  return params.ok ? params.value : jsonError(params.status, params.message);
}

/**
 * The list filters as `listContributions` takes them: `from` and `to` are whole UTC days; stage "all"
 * (or none) filters nothing.
 */
export function contributionFilters({ sha, pr, stage, q, who, person, from, to }: ContributionParams) {
  return {
    sha,
    pr,
    stage: stage === "all" ? undefined : stage,
    q,
    who,
    personId: person,
    from: from && `${from}T00:00:00Z`,
    to: to && `${to}T23:59:59Z`,
  };
}

const githubLogin = z
  .string()
  .trim()
  .transform((v) => v.replace(/^@/, ""))
  .pipe(z.string().regex(/^[\w-]*$/, "must be a GitHub login"));

const filterSchema = z.object({
  stage: z.string().optional(),
  login: githubLogin.optional(),
  about: githubLogin.optional(),
});

export interface AuditFilter {
  stageId?: string;
  /** Who wrote. */
  login?: string;
  /** The login of a person the writes are about (a plan's mentor or mentee, a corrected person). */
  about?: string;
}

/** `?stage=…&login=…&about=…` of /audit and /api/audit, or a 400 (thrown) that says what is wrong. */
export function requireAuditFilter(request: Request): AuditFilter {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = filterSchema.safeParse(params);
  if (!parsed.success) {
    const { field, message } = firstFormProblem(parsed.error);
    throw badRequest(`${field} ${message}.`);
  }
  const { stage, login, about } = parsed.data;
  if (stage && !getConfig().stageIds.includes(stage)) {
    throw badRequest(`There is no stage "${stage}"; use one of: ${getConfig().stageIds.join(", ")}.`);
  }
  return { ...(stage ? { stageId: stage } : {}), ...(login ? { login } : {}), ...(about ? { about } : {}) };
}

/** A person a correction names: their id (`12`, `#12`) or GitHub login (`@login`, `login`). */
export const personRef = z.union([
  z.number().int().positive(),
  z.string().trim().min(1, "must be a person's id or GitHub login"),
]);

/** Why a steward merged or split people: kept with the correction and in the audit trail. */
export const correctionReason = z
  .string()
  .trim()
  .min(1, "must say why (the reason is kept with the correction)")
  .max(500, "must be at most 500 characters");
