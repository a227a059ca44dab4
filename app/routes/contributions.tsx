import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ContributionList } from "../components/contribution-list";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { listContributions } from "../models/contribution-list.server";
import { contributionFilters, requireListParams } from "../request-params.server";

const PAGE_SIZE = 50;

export const meta: MetaFunction = () => [{ title: "Contributions · Steward" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const params = requireListParams(request, config.config);
  const { stage, person, from, to, page = 1 } = params;
  const contributions = await listContributions(await getReadDb(), {
    ...contributionFilters(params),
    limit: PAGE_SIZE + 1,
    offset: (page - 1) * PAGE_SIZE,
  });
  const next = new URL(request.url).searchParams;
  next.set("page", String(page + 1));
  return {
    filter: { stage: stage ?? "", person: person ? String(person) : "", from: from ?? "", to: to ?? "" },
    stages: config.config.stages.map((s) => ({ id: s.id, name: s.name })),
    contributions: contributions.slice(0, PAGE_SIZE),
    page,
    nextPage: contributions.length > PAGE_SIZE ? `?${next.toString()}` : null,
    repository: config.config.project.repository,
  };
}

export default function ContributionsPage() {
  const { filter, stages, contributions, page, nextPage, repository } = useLoaderData<typeof loader>();
  return (
    <main className="page">
      <header className="page-header">
        <h1>Contributions</h1>
        <p className="lede">Every imported contribution with the stage it was labelled with and the evidence for it.</p>
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
          <button type="submit">Filter</button>
        </Form>
      </header>
      <ContributionList contributions={contributions} repository={repository} />
      <nav className="pager" aria-label="Pages">
        {page > 1 ? <Link to={`?page=${page - 1}`}>← Newer</Link> : null} <span className="muted">Page {page}</span>{" "}
        {nextPage ? <Link to={nextPage}>Older →</Link> : null}
      </nav>
    </main>
  );
}
