// When scheduled jobs run. Ticks are aligned to the Unix epoch (UTC), so every app instance, and the
// dashboard, computes the same tick times from the interval alone: `1h` runs at the top of each hour,
// `15m` at :00, :15, :30 and :45, `1d` at midnight UTC.

const units = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const unitNames = { m: "minute", h: "hour", d: "day" } as const;

/** The shortest interval SYNC_EVERY accepts: a sync costs GitHub requests, even when nothing changed. */
export const MIN_INTERVAL_MS = units.m;
/** The longest: pg-boss refuses a job that may run longer than a day, and a week-old sync is stale anyway. */
export const MAX_INTERVAL_MS = 7 * units.d;

export type ParsedInterval = { ok: true; everyMs: number; text: string } | { ok: false; message: string };

/** Reads an interval such as `15m`, `1h` or `1d` (a whole number and a unit: m, h or d). */
export function parseInterval(value: string, name = "SYNC_EVERY"): ParsedInterval {
  const text = value.trim();
  const match = /^(\d+)([mhd])$/.exec(text);
  const help = "write a whole number and a unit, e.g. 15m, 1h or 1d (m minutes, h hours, d days)";
  if (!match?.[1] || !match[2]) return { ok: false, message: `${name}=${value} is not an interval; ${help}.` };
  const unit = match[2] as keyof typeof units;
  const everyMs = Number(match[1]) * units[unit];
  if (everyMs < MIN_INTERVAL_MS || everyMs > MAX_INTERVAL_MS) {
    return { ok: false, message: `${name}=${value} is out of range; use from 1m to 7d, e.g. 15m, 1h or 1d.` };
  }
  return { ok: true, everyMs, text };
}

/** The start of the tick `now` falls in: the run due at or just before `now`. */
export function tickAt(nowMs: number, everyMs: number): number {
  return Math.floor(nowMs / everyMs) * everyMs;
}

/** The next tick strictly after `now`. */
export function nextTickAfter(nowMs: number, everyMs: number): number {
  return tickAt(nowMs, everyMs) + everyMs;
}

/** How long to wait before attempt `failedAttempt + 1`: the base delay, doubled after each failure. */
export function retryDelayMs(failedAttempt: number, baseMs: number): number {
  return baseMs * 2 ** Math.max(0, failedAttempt - 1);
}

/** `15m` → "every 15 minutes", `1h` → "every hour", as the dashboard says it. */
export function describeInterval(everyMs: number): string {
  for (const unit of ["d", "h", "m"] as const) {
    const count = everyMs / units[unit];
    if (Number.isInteger(count)) return count === 1 ? `every ${unitNames[unit]}` : `every ${count} ${unitNames[unit]}s`;
  }
  const seconds = everyMs / 1000;
  return seconds === 1 ? "every second" : `every ${seconds} seconds`;
}

/** A scheduled job as the dashboard's footer reads it (see listScheduledJobs). */
export interface ScheduledJobStatus {
  job: string;
  everyMs: number;
  nextRunAt: string;
  last: JobRunStatus | null;
  deadLetter: JobRunStatus | null;
  skippedSince: number;
}

interface JobRunStatus {
  outcome: "running" | "ok" | "failed" | "skipped";
  scheduledFor: string;
  startedAt: string;
  finishedAt: string | null;
  attempt: number;
  error: string | null;
}

const jobTitles: Record<string, string> = { "github-sync": "GitHub sync" };

/** `2026-11-27T09:00:00.000Z` → `2026-11-27 09:00 UTC`; seconds only when they are not :00. */
function shownTime(iso: string): string {
  const [day, time = ""] = iso
    .replace(/\.\d+Z$/, "Z")
    .replace("Z", "")
    .split("T");
  return `${day} ${time.endsWith(":00") ? time.slice(0, 5) : time} UTC`;
}

/**
 * The footer's lines about a scheduled job: when it runs next, how its last run went, a run given up
 * on after its retries (a dead letter) while no run has succeeded since, and ticks skipped because a
 * run was still going. `failed` lines are shown as warnings.
 */
export function scheduledJobLines(status: ScheduledJobStatus, nowMs: number): Array<{ text: string; failed: boolean }> {
  const title = jobTitles[status.job] ?? status.job;
  const lines: Array<{ text: string; failed: boolean }> = [];
  const overdue = nowMs - Date.parse(status.nextRunAt) > Math.max(60_000, status.everyMs);
  lines.push(
    overdue
      ? {
          text: `The ${title} was due at ${shownTime(status.nextRunAt)} and has not run: is the app's scheduler running?`,
          failed: true,
        }
      : { text: `Next ${title}: ${shownTime(status.nextRunAt)} (${describeInterval(status.everyMs)}).`, failed: false },
  );
  const { last, deadLetter } = status;
  if (last?.outcome === "running") {
    const retry = last.attempt > 1 ? ` (attempt ${last.attempt})` : "";
    lines.push({ text: `A ${title} has been running since ${shownTime(last.startedAt)}${retry}.`, failed: false });
  } else if (last?.outcome === "ok") {
    lines.push({
      text: `Last scheduled ${title}: ok, finished ${shownTime(last.finishedAt ?? last.startedAt)}.`,
      failed: false,
    });
  } else if (last?.outcome === "failed" && !sameRun(last, deadLetter)) {
    lines.push({
      text: `Last scheduled ${title} failed at ${shownTime(last.finishedAt ?? last.startedAt)} (attempt ${last.attempt}; it will be retried): ${last.error ?? "no message"}`,
      failed: true,
    });
  }
  if (deadLetter) {
    const attempts = deadLetter.attempt === 1 ? "1 attempt" : `${deadLetter.attempt} attempts`;
    lines.push({
      text: `Gave up on the ${title} due at ${shownTime(deadLetter.scheduledFor)} after ${attempts}: ${deadLetter.error ?? "no message"}`,
      failed: true,
    });
  }
  if (status.skippedSince > 0) {
    const ticks = status.skippedSince === 1 ? "1 tick was" : `${status.skippedSince} ticks were`;
    lines.push({ text: `${ticks} skipped because the previous ${title} was still going.`, failed: false });
  }
  return lines;
}

const sameRun = (a: JobRunStatus, b: JobRunStatus | null) =>
  b !== null && a.scheduledFor === b.scheduledFor && a.attempt === b.attempt;

/**
 * The footer's line about webhooks' follow-ups when they are off: webhooks are on (a secret is set) but
 * GITHUB_TOKEN is not, so a pull request a delivery brings has no files, and no stages, until a sync
 * fetches it once it is merged. Null when there is nothing to say.
 */
export function followUpsOffLine({ webhooksOn, tokenSet }: { webhooksOn: boolean; tokenSet: boolean }): string | null {
  if (!webhooksOn || tokenSet) return null;
  return "Webhooks bring pull requests without their files and reviews, and GITHUB_TOKEN is not set to fetch them: their stages wait for a sync, which fetches a pull request once it is merged.";
}

/** How long a follow-up given up on is shown in the footer: a day, so it goes once the trouble is over. */
export const FOLLOW_UP_FAILURES_SHOWN_MS = 86_400_000;
/** A waiting follow-up due longer than this means the queue is not being worked (one normally starts within seconds). */
export const FOLLOW_UP_BACKLOG_MS = 60_000;

/** Webhooks' follow-ups as the dashboard's footer reads them (see readFollowUpStatus). */
export interface FollowUpStatus {
  /** Follow-ups given up on after their retries in the last FOLLOW_UP_FAILURES_SHOWN_MS. */
  givenUp: {
    count: number;
    since: string;
    latest: { pr: number | null; title: string | null; at: string; error: string | null };
  } | null;
  /** Follow-ups waiting to start, and since when the oldest already due has been due. */
  waiting: number;
  oldestDueAt: string | null;
}

/** The first line of `text`, cut at a word before `max` characters: an error or a title in a footer line. */
function brief(text: string, max: number): string {
  const line = text.split("\n", 1)[0]?.trim() ?? "";
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * The footer's lines about webhooks' follow-ups: those given up on after their retries lately (how
 * many, since when, the latest pull request and its error, and what fetches those pull requests now:
 * their next delivery, or the sync, which finds merged pull requests by the stages' files), and a
 * backed-up queue. Both are warnings; nothing is said when all is well.
 */
export function followUpLines(status: FollowUpStatus, nowMs: number): Array<{ text: string; failed: boolean }> {
  const lines: Array<{ text: string; failed: boolean }> = [];
  const { givenUp } = status;
  if (givenUp) {
    const { latest } = givenUp;
    const pr = latest.pr === null ? "a pull request" : `#${latest.pr}`;
    const title = latest.title ? ` “${brief(latest.title, 60)}”` : "";
    // The sentence's own full stop follows.
    const error = brief(latest.error ?? "no message", 160).replace(/\.$/, "");
    lines.push({
      text:
        givenUp.count === 1
          ? `A pull request follow-up failed after its retries: ${pr}${title} at ${shownTime(latest.at)}: ${error}. ` +
            "That pull request is fetched again at its next webhook delivery or, once merged, by the next sync."
          : `${givenUp.count} pull request follow-ups failed after their retries since ${shownTime(givenUp.since)}; ` +
            `the latest, ${pr}${title} at ${shownTime(latest.at)}: ${error}. ` +
            "Those pull requests are fetched again at their next webhook delivery or, once merged, by the next sync.",
      failed: true,
    });
  }
  if (status.oldestDueAt && nowMs - Date.parse(status.oldestDueAt) > FOLLOW_UP_BACKLOG_MS) {
    const waiting =
      status.waiting === 1 ? "1 pull request follow-up is" : `${status.waiting} pull request follow-ups are`;
    lines.push({
      text: `${waiting} waiting, the oldest due since ${shownTime(status.oldestDueAt)}: is the app's scheduler running? (A spent GitHub rate limit holds them too; the log says so.)`,
      failed: true,
    });
  }
  return lines;
}
