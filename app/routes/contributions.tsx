import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { getPageWriter } from "../auth.server";
import { ContributionList } from "../components/contribution-list";
import { CoverageNote } from "../components/coverage-note";
import { KeptWindowInputs } from "../components/window-form";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { listContributions } from "../models/contribution-list.server";
import { getCoverage } from "../models/coverage.server";
import { contributionFilters, requireListParams } from "../request-params.server";
import { coverageView } from "../stewardship/coverage";
import { contributionPageStage, contributionStageWords } from "../stewardship/query-params";

const PAGE_SIZE = 50;

export const meta: MetaFunction = () => [{ title: "Contributions · Steward" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const config = getConfig();
  const params = requireListParams(request, config.config, { stageWords: contributionStageWords });
  const { stage, q, who, person, from, to, page = 1 } = params;
  const db = await getReadDb();
  const [contributions, coverage] = await Promise.all([
    listContributions(db, {
      ...contributionFilters(params),
      // JIT work unless the reader asks for all contributions or another stage.
      stage: contributionPageStage(stage),
      limit: PAGE_SIZE + 1,
      offset: (page - 1) * PAGE_SIZE,
    }),
    getCoverage(db),
  ]);
  const writer = await getPageWriter(request, db);
  const pageLink = (n: number) => {
    const search = new URL(request.url).searchParams;
    search.set("page", String(n));
    return `?${search.toString()}`;
  };
  return {
    filter: {
      stage: stage ?? "",
      q: q ?? "",
      who: who ?? "",
      person: person ? String(person) : "",
      from: from ?? "",
      to: to ?? "",
    },
    coverage: coverageView(coverage),
    stages: config.config.stages.map((s) => ({ id: s.id, name: s.name })),
    contributions: contributions.slice(0, PAGE_SIZE),
    page,
    previousPage: page > 1 ? pageLink(page - 1) : null,
    nextPage: contributions.length > PAGE_SIZE ? pageLink(page + 1) : null,
    repository: config.config.project.repository,
    writer,
  };
}

export default function ContributionsPage() {
  const { filter, coverage, stages, contributions, page, previousPage, nextPage, repository, writer } =
    useLoaderData<typeof loader>();
  return (
    <main className="page">
      <header className="page-header">
        <h1>Contributions</h1>
        <p className="lede">
          JIT work: contributions labelled with a stage, with the evidence for each label. Choose &ldquo;All
          contributions&rdquo; to see the rest of the project&apos;s history too.{" "}
          <Link to="/how-steward-counts#stages">How stages are assigned</Link>.
        </p>
        <CoverageNote coverage={coverage} />
        <Form method="get" className="filter-form" aria-label="Filter contributions">
          <label>
            Stage{" "}
            <select name="stage" defaultValue={filter.stage}>
              <option value="">JIT work (any stage)</option>
              {stages.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
              <option value="none">No stage</option>
              <option value="all">All contributions</option>
            </select>
          </label>
          <label>
            Title contains <input type="search" name="q" defaultValue={filter.q} maxLength={200} />
          </label>
          <label>
            Person{" "}
            <input type="search" name="who" defaultValue={filter.who} placeholder="name or @login" maxLength={100} />
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
      <ContributionList
        contributions={contributions}
        repository={repository}
        corrector={writer ? { csrf: writer.csrf, stages } : null}
      />
      <nav className="pager" aria-label="Pages">
        {previousPage ? <Link to={previousPage}>← Newer</Link> : null} <span className="muted">Page {page}</span>{" "}
        {nextPage ? <Link to={nextPage}>Older →</Link> : null}
      </nav>
    </main>
  );
}
