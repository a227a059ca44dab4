import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ContributionList } from "../components/contribution-list";
import { CoverageNote } from "../components/coverage-note";
import { KeptWindowInputs } from "../components/window-form";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { listContributions } from "../models/contribution-list.server";
import { getCoverage } from "../models/coverage.server";
import { contributionFilters, requireListParams } from "../request-params.server";
import { coverageView } from "../stewardship/coverage";

const PAGE_SIZE = 50;

export const meta: MetaFunction = () => [{ title: "Contributions · Steward" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const params = requireListParams(request, config.config);
  const { stage, person, from, to, page = 1 } = params;
  const db = await getReadDb();
  const [contributions, coverage] = await Promise.all([
    listContributions(db, { ...contributionFilters(params), limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE }),
    getCoverage(db),
  ]);
  const pageLink = (n: number) => {
    const search = new URL(request.url).searchParams;
    search.set("page", String(n));
    return `?${search.toString()}`;
  };
  return {
    filter: { stage: stage ?? "", person: person ? String(person) : "", from: from ?? "", to: to ?? "" },
    coverage: coverageView(coverage),
    stages: config.config.stages.map((s) => ({ id: s.id, name: s.name })),
    contributions: contributions.slice(0, PAGE_SIZE),
    page,
    previousPage: page > 1 ? pageLink(page - 1) : null,
    nextPage: contributions.length > PAGE_SIZE ? pageLink(page + 1) : null,
    repository: config.config.project.repository,
  };
}

export default function ContributionsPage() {
  const { filter, coverage, stages, contributions, page, previousPage, nextPage, repository } =
    useLoaderData<typeof loader>();
  return (
    <main className="page">
      <header className="page-header">
        <h1>Contributions</h1>
        <p className="lede">Every imported contribution with the stage it was labelled with and the evidence for it.</p>
        <CoverageNote coverage={coverage} />
        <Form method="get" className="filter-form" aria-label="Filter contributions">
          <label>
            Stage{" "}
            <select name="stage" defaultValue={filter.stage}>
              <option value="">Any</option>
              {stages.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
              <option value="none">Unclassified (no stage)</option>
            </select>
          </label>
          {filter.person ? <input type="hidden" name="person" value={filter.person} /> : null}
          <label>
            From <input type="date" name="from" defaultValue={filter.from} />
          </label>
          <label>
            To <input type="date" name="to" defaultValue={filter.to} />
          </label>
          <KeptWindowInputs />
          <button type="submit">Filter</button>
        </Form>
      </header>
      <ContributionList contributions={contributions} repository={repository} />
      <nav className="pager" aria-label="Pages">
        {previousPage ? <Link to={previousPage}>← Newer</Link> : null} <span className="muted">Page {page}</span>{" "}
        {nextPage ? <Link to={nextPage}>Older →</Link> : null}
      </nav>
    </main>
  );
}
