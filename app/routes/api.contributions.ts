import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { jsonResponse, readOnlyApiAction } from "../http.server";
import { listContributions } from "../models/contribution-list.server";
import { getCoverage } from "../models/coverage.server";
import { apiListParams, contributionFilters } from "../request-params.server";
import { coverageRange } from "../stewardship/coverage";
import { contributionStageWords } from "../stewardship/query-params";

const PAGE_SIZE = 100;

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const params = apiListParams(request, config.config, { stageWords: contributionStageWords });
  if (params instanceof Response) return params;
  const { page = 1 } = params;
  const db = await getReadDb();
  const [contributions, coverage] = await Promise.all([
    listContributions(db, { ...contributionFilters(params), limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    getCoverage(db),
  ]);
  return jsonResponse({
    coverage: coverageRange(coverage),
    contributions: contributions.map((c) => ({
      kind: c.kind,
      sha: c.sha,
      pr: c.pr,
      title: c.title,
      occurredAt: c.occurredAt,
      authors: c.authors.map(({ id, login, name, role }) => ({ id, login, name, role })),
      stages: c.stages,
      evidence: c.evidence,
      correction: c.correction ? { id: c.correction.id, by: c.correction.login, reason: c.correction.reason } : null,
    })),
  });
}

export const action = readOnlyApiAction;
