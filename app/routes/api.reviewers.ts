import type { LoaderFunctionArgs } from "@remix-run/node";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { jsonError, jsonResponse, readOnlyApiAction } from "../http.server";
import { listLearnerReviewers } from "../knowledge-report.server";
import { getCoverage } from "../models/coverage.server";
import { getPullRequestState } from "../models/knowledge.server";
import { coverageRange } from "../stewardship/coverage";
import { parseWindowParams } from "../stewardship/query-params";

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const search = new URL(request.url).searchParams;
  const raw = search.get("pr")?.trim();
  if (!raw) return jsonError(400, "pr is required: the number of an open pull request, e.g. ?pr=140556");
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < 1)
    return jsonError(400, `pr must be a pull request number (a whole number such as 140556), not "${raw}"`);
  const pr = Number(raw);
  const db = await getReadDb();
  const coverage = await getCoverage(db);
  const params = parseWindowParams(search, config.config, { coverage });
  if (!params.ok) return jsonError(400, params.message);
  const stored = await getPullRequestState(db, { number: pr });
  if (!stored) {
    return jsonError(
      404,
      `Steward knows no pull request #${pr}; open pull requests arrive with a GitHub sync or webhook.`,
    );
  }
  const [open] =
    stored.state === "open" ? await listLearnerReviewers(db, { config, query: params.value.params, pr, limit: 1 }) : [];
  const note = !open
    ? stored.state === "open"
      ? `#${pr} is open but no stage claims its files: no stage's reviewers to suggest.`
      : `#${pr} is ${stored.state ?? "not known to be open"}: learner reviewers are suggested for open pull requests only.`
    : open.suggestions.length === 0
      ? `Every stage #${pr} touches has two maintainers or more: no learner reviewer is needed.`
      : null;
  return jsonResponse({
    pr,
    state: stored.state,
    asOf: params.value.params.asOf,
    coverage: coverageRange(coverage),
    title: open?.title ?? null,
    authors: open?.authors ?? [],
    suggestions: open?.suggestions ?? [],
    note,
  });
}

export const action = readOnlyApiAction;
