// `npm run sync -- [owner/repo] [--since YYYY-MM-DD]`: reads the stages' pull requests, reviews and
// starter tasks from GitHub (GITHUB_TOKEN, GITHUB_API_URL).
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { loadConfig } from "../app/config.server";
import { createGitHubClient, GitHubError } from "../app/github.server";
import { DemoDataError, demoRefusal, refuseDemoDatabase } from "../app/ingest/demo-apart.server";
import { syncPullRequests, syncStarterTasks, type GitHubSyncProgress } from "../app/ingest/github-sync.server";
import { isValidDate } from "../app/stewardship/metrics";
import { prepareDatabase } from "../app/ingest/prepare.server";
import { openConfiguredDatabase, runCli, UsageError } from "./cli";

const usage =
  "usage: GITHUB_TOKEN=… [GITHUB_API_URL=…] npm run sync -- [owner/repo] [--since YYYY-MM-DD] [--replace-demo]";

runCli(async () => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      since: { type: "string" },
      // A database holding the demo data set is refused unless this deletes the demo first.
      "replace-demo": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (positionals.length > 1) throw new UsageError(usage);
  if (values.since !== undefined && !isValidDate(values.since)) {
    throw new UsageError(`--since ${values.since} is not a date; write it as YYYY-MM-DD, e.g. --since 2024-01-01.`);
  }
  const config = loadConfig();
  const repository = positionals[0] ?? config.config.project.repository;
  const token = process.env.GITHUB_TOKEN?.trim();
  if (!token)
    throw new UsageError(`GITHUB_TOKEN is not set. Create a token that can read ${repository} and export it. ${usage}`);
  const github = createGitHubClient({
    token,
    baseUrl: process.env.GITHUB_API_URL?.trim() || undefined,
    onWait: (message) => console.log(message),
  });
  const { db, file } = openConfiguredDatabase();
  try {
    await refuseDemoDatabase(db, { replaceDemo: values["replace-demo"], action: "sync" });
    await prepareDatabase(db, { config, seedWhenEmpty: false });
    const started = Date.now();
    const show = progressLine();
    const prs = await syncPullRequests({
      db,
      config,
      github,
      repository,
      since: values.since ?? null,
      replaceDemo: values["replace-demo"],
      onProgress: show,
    });
    const summary = await syncStarterTasks({ db, config, github, repository, onProgress: show });
    show.done();
    if (prs.replacedDemo) console.log(`Deleted the demo data set from ${file}.`);
    console.log(
      `Pull requests of the stages: ${prs.discovered} found, ${prs.fetched} fetched (${prs.added} new, ${prs.merged} joined to git commits, ${prs.updated} updated).`,
    );
    console.log(
      `Synced starter tasks of ${summary.repository} into ${file}: ${summary.tasks.open} free, ${summary.tasks.claimed} claimed, ` +
        `${summary.tasks.done} done${summary.changed ? "" : " (nothing changed on GitHub)"}; ${github.requests()} requests in all, ` +
        `rate limit left ${summary.rateLimitRemaining ?? "unknown"}, ${((Date.now() - started) / 1000).toFixed(1)} s.`,
    );
  } catch (error) {
    if (error instanceof DemoDataError) throw new UsageError(demoRefusal(file, "sync"));
    throw error instanceof GitHubError ? new UsageError(error.message) : error;
  } finally {
    await db.destroy();
  }
});

/**
 * On a terminal: a bar while pull requests are fetched (items, requests spent, rate limit left) and a
 * status line for the other steps. Elsewhere (CI logs, files): a plain line per step, and at most one
 * progress line every two seconds.
 */
function progressLine(): ((p: GitHubSyncProgress) => void) & { done: () => void } {
  const tty = process.stdout.isTTY;
  const bar = new cliProgress.SingleBar(
    { format: "Syncing {step} {bar} {value}/{total} · {requests} requests · rate limit left {left}", hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let barShown = false;
  let lastStep = "";
  let lastLine = 0;
  const stopBar = () => {
    if (barShown) bar.stop();
    barShown = false;
  };
  const show = (p: GitHubSyncProgress) => {
    const left = p.rateLimitRemaining ?? "?";
    if (tty && p.items) {
      const payload = { step: p.step, requests: p.requests, left };
      if (!barShown) bar.start(p.items.total, p.items.done, payload);
      else bar.update(p.items.done, payload);
      barShown = true;
      return;
    }
    stopBar();
    const count = p.items ? ` ${p.items.done}/${p.items.total}` : "";
    const line = `Syncing: ${p.step}${count} · ${p.requests} requests · rate limit left ${left}`;
    if (tty) return void process.stdout.write(`\r\x1b[2K${line}`);
    const finished = p.items !== undefined && p.items.done === p.items.total;
    if (p.step === lastStep && !finished && Date.now() - lastLine < 2000) return;
    lastStep = p.step;
    lastLine = Date.now();
    console.log(line);
  };
  return Object.assign(show, {
    done: () => {
      stopBar();
      if (tty) process.stdout.write("\n");
    },
  });
}
