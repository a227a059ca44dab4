import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CodeTitle } from "../components/code-title";
import { getConfig } from "../config.server";
import { getReadDb } from "../db.server";
import { listStageGoals } from "../models/stage-goal.server";
import { reviewWeight } from "../stewardship/reviews";
import { CLAIM_DAYS } from "../stewardship/starter-tasks";

export const meta: MetaFunction = () => [{ title: "How Steward counts · Steward" }];

export async function loader() {
  const { config, maintainerRule } = getConfig();
  // A goal a steward set on the planning page replaces the configuration's.
  const goals = await listStageGoals(await getReadDb(), { stages: config.stages });
  return {
    repository: config.project.repository,
    windowDays: maintainerRule.windowDays,
    minCredit: maintainerRule.minCredit,
    minStageShare: config.classification.minStageShare,
    stages: config.stages.map(({ id, name, description, goal }) => ({
      id,
      name,
      description,
      goal: goals.find((g) => g.stageId === id)?.target ?? goal,
    })),
    umbrellas: config.umbrellaIssues.map(({ number, title, stage, starterTrack }) => ({
      number,
      title,
      stage,
      starterTrack,
    })),
    starterLabels: config.starterLabels,
    returnWindowDays: config.onboarding.returnWindowDays,
    claimDays: CLAIM_DAYS,
    reviewWeights: {
      approved: reviewWeight("APPROVED", { selfReview: false }),
      commented: reviewWeight("COMMENTED", { selfReview: false }),
    },
  };
}

export default function HowStewardCounts() {
  const data = useLoaderData<typeof loader>();
  const goals = [...new Set(data.stages.map((s) => s.goal))];
  return (
    <main className="page prose">
      <header className="page-header">
        <p className="breadcrumb">
          <Link to="/">Dashboard</Link> / How Steward counts
        </p>
        <h1>How Steward counts</h1>
        <p className="lede">
          Steward reads {data.repository}&apos;s history and asks, for each part (stage) of the JIT: who is keeping it
          alive right now? The goal is{" "}
          {goals.length === 1 ? `${goals[0]} active maintainers` : "a set number of active maintainers"} per stage.
        </p>
      </header>

      <section aria-labelledby="contribution">
        <h2 id="contribution">A contribution</h2>
        <p>
          One merged change: a squash-merged pull request or a commit on the main branch. Its author and co-authors (
          <code>Co-authored-by:</code>) take part in it, and so do the people who reviewed the pull request.
        </p>
      </section>

      <section aria-labelledby="stages">
        <h2 id="stages">How a contribution gets a stage</h2>
        <p>
          Steward looks at the files a contribution changed, its labels, the umbrella issues it names and, weakly, words
          in its title. A stage is given when it accounts for at least {Math.round(data.minStageShare * 100)}% of the
          change. The reasons are kept as the contribution&apos;s <dfn>evidence</dfn>, shown next to it. Generated files
          count only with their source. Contributions with no stage are not JIT work.
        </p>
        <ul>
          {data.stages.map((s) => (
            <li key={s.id}>
              <Link to={`/stages/${s.id}`}>{s.name}</Link>: {s.description}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="credit">
        <h2 id="credit">Credit and reviews</h2>
        <p>
          <dfn>Credit</dfn> is what a person&apos;s contributions to a stage add up to. Authoring or co-authoring counts
          1. Reviewing counts {data.reviewWeights.approved} for an approval or a request for changes, and{" "}
          {data.reviewWeights.commented} for a review with comments only. A person counts once per contribution, and
          reviewing one&apos;s own pull request counts nothing. So &ldquo;5 contributions, credit 3.5&rdquo; means some
          of the five were reviews.
        </p>
      </section>

      <section aria-labelledby="window">
        <h2 id="window">The window and the rule</h2>
        <p>
          The <dfn>window</dfn> is the last {data.windowDays} days. An <dfn>active maintainer</dfn> of a stage has a
          credit of at least {data.minCredit} on it within the window. Someone who does no more work stops counting when
          their older contributions leave the window: stage pages give that day as &ldquo;counts until&rdquo;. Every
          page lets you try another date, window or minimum.
        </p>
        <p>
          Each stage&apos;s goal:{" "}
          {data.stages.map((s, i) => (
            <span key={s.id}>
              {i > 0 ? ", " : ""}
              {s.name} {s.goal}
            </span>
          ))}{" "}
          active maintainers. One below the goal is &ldquo;at risk&rdquo;; further below is &ldquo;goal not met&rdquo;.
        </p>
      </section>

      <section aria-labelledby="absence-factor">
        <h2 id="absence-factor">Absence factor</h2>
        <p>
          The <dfn>absence factor</dfn> (a CHAOSS measure) is the fewest people who together made half of a stage&apos;s
          contributions in the window. 1 means one person did half the work: if they left, half the stage&apos;s
          activity would go with them.
        </p>
      </section>

      <section aria-labelledby="knowledge">
        <h2 id="knowledge">Knowledge truck factor, declared owners, learner reviewers</h2>
        <p>
          Activity says who works on a stage; <dfn>knowledge</dfn> says who knows its code. For each of the stage&apos;s
          hand-written files (generated ones left out), the <dfn>degree of authorship</dfn> of Avelino et al. (2016)
          weighs who created it, how many of its commits each person made, and how many others made:{" "}
          <code>3.293 + 1.098·created + 0.164·own commits − 0.321·ln(1 + others&apos; commits)</code>. A person knows
          the file when their degree is above 75% of the file&apos;s highest and at least 3.293. Renames carry a
          file&apos;s history; deleted files drop out. The <dfn>knowledge truck factor</dfn> removes the people who know
          the most files, one at a time, until more than half of the files have nobody left who knows them; the number
          removed is the truck factor, and they are the stage&apos;s key people. It counts the history Steward holds up
          to the as-of day: after an import with <code>--since</code>, who created older files is not known.
        </p>
        <p>
          <dfn>Declared owners</dfn> come from the repository&apos;s CODEOWNERS (GitHub&apos;s rules: the last matching
          line wins). A stage page lists who it declares for the stage&apos;s files, who is declared but not an active
          maintainer, who is an active maintainer but not declared, and the lines Steward would write: the stage&apos;s
          path rules with its active maintainers.
        </p>
        <p>
          A <dfn>learner reviewer</dfn> is suggested on an open pull request touching a stage with fewer than two active
          maintainers: beside the maintainer, the mentee of an active mentoring plan of the stage, or else the
          contributor closest to the maintainer rule, never the pull request&apos;s author.
        </p>
      </section>

      <section aria-labelledby="starter-tasks">
        <h2 id="starter-tasks">Starter tasks and claims</h2>
        <p>
          Starter tasks are the checklist items of umbrella issues and issues labelled{" "}
          {data.starterLabels.map((l, i) => (
            <span key={l}>
              {i > 0 ? " or " : ""}
              <code>{l}</code>
            </span>
          ))}
          . A ticked item is done. An item is claimed by an open pull request naming it, by an assignee, or by a comment
          asking for it; a comment&apos;s claim lapses after {data.claimDays} days. To claim a free item, comment on its
          issue, then open a pull request whose title starts with the issue&apos;s <code>gh-N:</code>. The suggested
          mentors are the stage&apos;s most recently active maintainers.
        </p>
        <ul>
          {data.umbrellas
            .filter((u) => u.starterTrack)
            .map((u) => (
              <li key={u.number}>
                <a href={`https://github.com/${data.repository}/issues/${u.number}`} rel="noreferrer">
                  gh-{u.number}
                </a>{" "}
                <CodeTitle title={u.title} />
              </li>
            ))}
        </ul>
        <p>
          <Link to="/tasks">See the starter tasks</Link>.
        </p>
      </section>

      <section aria-labelledby="onboarding">
        <h2 id="onboarding">Onboarding: arrived, returned, maintainer</h2>
        <p>
          A person <strong>arrives</strong> in a stage with the first change they author there (a review does not count
          as arriving); it was their first to the project when nothing they authored, and no review, came before. They{" "}
          <strong>returned</strong> when they author more work on the stage on a later day within{" "}
          {data.returnWindowDays} days, and became a <strong>maintainer</strong> on the first day they met the rule
          above. A starter task is <strong>taken up</strong> by the first merged change that names it; a newcomer had no
          work on its stage before that.
        </p>
        <p>
          <Link to="/onboarding">See the onboarding funnel</Link>.
        </p>
      </section>

      <section aria-labelledby="coverage">
        <h2 id="coverage">Coverage and &ldquo;no data&rdquo;</h2>
        <p>
          Steward only knows what was imported. Pages say which days the data covers; a month whose window reaches
          before the data starts is drawn as &ldquo;no data&rdquo; rather than as zero, and a date past the newest data
          is counted as of the newest day.
        </p>
      </section>
    </main>
  );
}
