// `npm run import:git -- <path> [--branch B] [--since YYYY-MM-DD] [--batch-size N]`: imports a local clone's history.
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { loadConfig } from "../app/config.server";
import { DemoDataError, demoRefusal, refuseDemoDatabase } from "../app/ingest/demo-apart.server";
import { GitImportError, importGitHistory, type GitImportProgress } from "../app/ingest/git-import.server";
import { prepareDatabase } from "../app/ingest/prepare.server";
import { openConfiguredDatabase, runCli, UsageError } from "./cli";

const usage =
  "usage: npm run import:git -- <path to a git clone> [--branch main] [--since YYYY-MM-DD] [--batch-size 1000] [--replace-demo]";

runCli(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      branch: { type: "string" },
      since: { type: "string" },
      // Commits per transaction; smaller batches lose less work when interrupted, larger ones are faster.
      "batch-size": { type: "string", default: "1000" },
      // A database holding the demo data set is refused unless this deletes the demo first.
      "replace-demo": { type: "boolean", default: false },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const [repoPath, ...extra] = positionals;
  if (!repoPath || extra.length) throw new UsageError(usage);
  const batchSize = Number(values["batch-size"]);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new UsageError(`--batch-size must be a whole number of commits, e.g. 1000`);
  const config = loadConfig();
  const { db, file } = openConfiguredDatabase();
  const progress = progressReporter();
  try {
    await refuseDemoDatabase(db, { replaceDemo: values["replace-demo"], action: "import" });
    await prepareDatabase(db, { config, seedWhenEmpty: false });
    const summary = await importGitHistory({
      db,
      config,
      repoPath,
      branch: values.branch,
      since: values.since,
      batchSize,
      replaceDemo: values["replace-demo"],
      onProgress: progress.update,
    });
    progress.stop();
    if (summary.replacedDemo) console.log(`Deleted the demo data set from ${file}.`);
    console.log(
      `Imported ${summary.branch} of ${summary.repository} into ${file}: ${summary.read} commits read, ${summary.added} added, ` +
        `${summary.skipped} already stored, ${summary.people} new people (${summary.merged} merged as another's identity), in ${summary.seconds.toFixed(1)} s` +
        `${summary.incremental ? " (incremental)" : ""}.`,
    );
    if (summary.commitDates) {
      const byStage = [...summary.stages.map((s) => `${s.stageId} ${s.commits}`), `no stage ${summary.noStage}`];
      console.log(
        `Commits read from ${summary.commitDates.from.slice(0, 10)} to ${summary.commitDates.to.slice(0, 10)}, ` +
          `by stage: ${byStage.join(", ")}.`,
      );
    }
    console.log(
      summary.codeowners
        ? `Read ${summary.codeowners} at the tip: stage pages compare it with who maintains each stage.`
        : "The tip has no CODEOWNERS (.github/, the root or docs/).",
    );
  } catch (error) {
    progress.stop();
    if (error instanceof DemoDataError) throw new UsageError(demoRefusal(file, "import"));
    throw error instanceof GitImportError ? new UsageError(error.message) : error;
  } finally {
    await db.destroy();
  }
});

/** A progress bar on a terminal; occasional plain lines when output goes to a file or CI log. */
function progressReporter(): { update: (p: GitImportProgress) => void; stop: () => void } {
  const started = Date.now();
  const rate = (read: number) => Math.round(read / Math.max(0.001, (Date.now() - started) / 1000));
  if (process.stdout.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: "Importing {bar} {value}/{total} commits · {rate} commits/s · {added} added", hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let begun = false;
    return {
      update: ({ read, total, added }) => {
        if (!begun) bar.start(total, 0, { rate: 0, added: 0 });
        begun = true;
        bar.update(read, { rate: rate(read), added });
      },
      stop: () => {
        if (begun) bar.stop();
        begun = false;
      },
    };
  }
  let lastLine = 0;
  return {
    update: ({ read, total, added }) => {
      if (Date.now() - lastLine < 2000 && read < total) return;
      lastLine = Date.now();
      console.log(`Importing: ${read}/${total} commits, ${rate(read)} commits/s, ${added} added`);
    },
    stop: () => undefined,
  };
}
