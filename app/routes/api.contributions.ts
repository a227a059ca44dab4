import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "../config.server";
import { getDb } from "../db.server";
import { jsonError } from "../http.server";
import { listContributions } from "../models/contribution-list.server";
import { parseListParams, unknownStageMessage } from "../stewardship/query-params";

const PAGE_SIZE = 100;

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const params = parseListParams(new URL(request.url).searchParams);
  if (!params.ok) return jsonError(400, params.message);
  const { sha, pr, stage, person, from, to, page = 1 } = params.value;
  const unknownStage = unknownStageMessage(config.config, stage);
  if (unknownStage) return jsonError(404, unknownStage);
  const contributions = await listContributions(await getDb(), {
    sha,
    pr,
    stage,
    personId: person,
    from: from && `${from}T00:00:00Z`,
    to: to && `${to}T23:59:59Z`,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  return Response.json({
    contributions: contributions.map((c) => ({
      kind: c.kind,
      sha: c.sha,
      pr: c.pr,
      title: c.title,
      occurredAt: c.occurredAt,
      authors: c.authors.map(({ id, login, name, role }) => ({ id, login, name, role })),
      stages: c.stages,
      evidence: c.evidence,
    })),
  });
}
