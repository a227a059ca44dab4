import { z } from "zod";
import { getConfig } from "./config.server";
import { badRequest } from "./http.server";

const filterSchema = z.object({
  stage: z.string().optional(),
  login: z
    .string()
    .trim()
    .transform((v) => v.replace(/^@/, ""))
    .pipe(z.string().regex(/^[\w-]*$/, "must be a GitHub login"))
    .optional(),
});

/** `?stage=…&login=…` of /audit and /api/audit, or a 400 (thrown) that says what is wrong. */
export function requireAuditFilter(request: Request): { stageId?: string; login?: string } {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = filterSchema.safeParse(params);
  if (!parsed.success) throw badRequest(`login ${parsed.error.issues[0]?.message ?? "is invalid"}.`);
  const { stage, login } = parsed.data;
  if (stage && !getConfig().stageIds.includes(stage)) {
    throw badRequest(`There is no stage "${stage}"; use one of: ${getConfig().stageIds.join(", ")}.`);
  }
  return { ...(stage ? { stageId: stage } : {}), ...(login ? { login } : {}) };
}
