import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requireApiSteward } from "../auth.server";
import { getConfig } from "../config.server";
import { getDb, getReadDb } from "../db.server";
import { jsonError, jsonResponse, readJsonBody } from "../http.server";
import { insertStageCorrection, listContributionsByRef, listStageCorrections } from "../models/correction.server";
import { correctionFields, parseContributionRef } from "../stewardship/corrections";
import { isoSeconds } from "../stewardship/dates";

// Corrections of contributions' stages: GET lists them newest first; POST (a steward's GitHub token)
// sets one, `{ "contribution": "<sha or #PR>", "stages": ["middle-end"], "reason": "…" }`, and answers
// 201 with it. Undo is POST /api/corrections/:id/undo.
export async function loader() {
  return jsonResponse({ corrections: await listStageCorrections(await getReadDb()) });
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") {
    return jsonError(405, `${request.method} is not allowed here; this endpoint answers GET and POST.`, {
      allow: "GET, HEAD, POST",
    });
  }
  const db = await getDb();
  const writer = await requireApiSteward(request, db);
  const config = getConfig();
  const input = await readJsonBody(
    request,
    z.object({
      contribution: z
        .string({ required_error: "name the contribution: a commit sha (7+ hex digits) or #PR number" })
        .refine((text) => parseContributionRef(text) !== null, "must be a commit sha (7+ hex digits) or #PR number"),
      ...correctionFields(config.stageIds),
    }),
  );
  const ref = parseContributionRef(input.contribution);
  const found = ref ? await listContributionsByRef(db, ref) : [];
  const [contribution, other] = found;
  if (!contribution) return jsonError(400, `contribution: Steward has no contribution ${input.contribution}.`);
  if (other) {
    return jsonError(
      400,
      `contribution: ${input.contribution} names more than one contribution; give the commit's sha (or more of it).`,
    );
  }
  const correction = await insertStageCorrection(db, {
    config,
    contributionId: contribution.id,
    stageIds: input.stages,
    reason: input.reason,
    login: writer.login,
    now: isoSeconds(Date.now()),
  });
  if (!correction) return jsonError(400, `contribution: Steward has no contribution ${input.contribution}.`);
  return jsonResponse({ correction }, { status: 201 });
}
