import { execFile, spawn, spawnSync } from "node:child_process";
import type { FileStatus } from "../../db/schema";
import type { FileChange } from "../stewardship/classify";
import { isoSeconds } from "../stewardship/dates";

/** One commit as `git log --raw --numstat -z` describes it, before any interpretation. */
export interface RawCommit {
  sha: string;
  authorName: string;
  authorEmail: string;
  /** ISO-8601 UTC commit time: when the change landed on the branch. */
  committedAt: string;
  message: string;
  files: Array<FileChange & { previousPath: string | null; status: FileStatus | null }>;
}

export class GitError extends Error {
  override name = "GitError";
}

const RECORD = 0x1e;
const FIELD = "\x1f";
// %aN/%aE apply .mailmap; %ct is the commit (landing) time. -z keeps odd file names intact.
const FORMAT = "--format=%x1e%H%x1f%aN%x1f%aE%x1f%ct%x1f%B%x1f";

/** Runs git synchronously for small questions; returns stdout, or throws GitError with git's words. */
export function git(repo: string, args: string[], { allowFailure = false } = {}): { ok: boolean; stdout: string } {
  const result = spawnSync("git", ["-C", repo, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new GitError(`Cannot run git: ${result.error.message}`);
  const ok = result.status === 0;
  if (!ok && !allowFailure) {
    throw new GitError(result.stderr.trim() || `git ${args.join(" ")} failed with exit ${result.status}`);
  }
  return { ok, stdout: result.stdout };
}

/** Like `git` with `allowFailure`, but the process goes on while git runs. */
export function gitInBackground(repo: string, args: string[]): Promise<{ ok: boolean; stdout: string }> {
  return new Promise((resolve) => {
    execFile("git", ["-C", repo, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout) =>
      resolve({ ok: error === null, stdout }),
    );
  });
}

// Paths and messages are usually UTF-8, but git stores bytes: fall back to Latin-1 rather than
// replacing characters, so a non-UTF-8 name stays distinct and readable.
const utf8 = new TextDecoder("utf-8", { fatal: true });
function decode(bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}

const COLON = 0x3a;
const TAB = "\t";
const rawEntry = /^:\d+ \d+ [0-9a-f]+ [0-9a-f]+ ([A-Z])\d*$/;

function fileStatus(letter: string): FileStatus {
  return letter === "A" || letter === "D" || letter === "R" || letter === "C" ? letter : "M";
}

/** A numstat count: a number of lines, or null for a binary file (`-`). */
function lineCount(text: string): number | null {
  return text === "-" ? null : Number(text);
}

/**
 * Parses one record (the bytes after a 0x1e separator) of the format above. The file entries are read
 * with indexOf rather than a regular expression per entry: a history of 30,000 commits has hundreds of
 * thousands of them. `--raw -z` gives `:oldmode newmode oldsha newsha STATUS` then the path (two paths
 * for R and C); `--numstat -z` gives `added\tdeleted\tpath`, or `added\tdeleted\t` then the old and the
 * new path as entries of their own for a rename or copy.
 */
export function parseRecord(record: string): RawCommit {
  const fields: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const end = record.indexOf(FIELD, start);
    if (end < 0) throw new GitError(`Unexpected git log output near: ${record.slice(0, 80)}`);
    fields.push(record.slice(start, end));
    start = end + 1;
  }
  const [sha = "", authorName = "", authorEmail = "", committed = "0", message = ""] = fields;
  // The entries follow the message's field separator, after a NUL and a newline.
  if (record.charCodeAt(start) === 0) start += 1;
  if (record.charCodeAt(start) === 10) start += 1;
  const files: RawCommit["files"] = [];
  const statuses = new Map<string, FileStatus>();
  // The next NUL-terminated entry from `start` (the last one runs to the end).
  const next = (): string | undefined => {
    if (start > record.length) return undefined;
    let end = record.indexOf("\0", start);
    if (end < 0) end = record.length;
    const entry = record.slice(start, end);
    start = end + 1;
    return entry;
  };
  for (let entry = next(); entry !== undefined; entry = next()) {
    const raw = entry.charCodeAt(0) === COLON ? rawEntry.exec(entry) : null;
    if (raw?.[1]) {
      const status = fileStatus(raw[1]);
      // Its paths are the next entries: never read them as numstat entries.
      if (status === "R" || status === "C") next();
      const path = next();
      if (path !== undefined) statuses.set(path, status);
      continue;
    }
    const firstTab = entry.indexOf(TAB);
    const secondTab = firstTab < 0 ? -1 : entry.indexOf(TAB, firstTab + 1);
    if (secondTab < 0 || !isCount(entry, 0, firstTab) || !isCount(entry, firstTab + 1, secondTab)) continue;
    const added = lineCount(entry.slice(0, firstTab));
    const deleted = lineCount(entry.slice(firstTab + 1, secondTab));
    if (secondTab + 1 < entry.length) {
      files.push({ path: entry.slice(secondTab + 1), added, deleted, previousPath: null, status: null });
    } else {
      // A rename or copy: `added\tdeleted\t` then the old and the new path as their own entries.
      const previousPath = next() ?? null;
      const path = next() ?? "";
      if (path) files.push({ path, added, deleted, previousPath, status: null });
    }
  }
  for (const file of files) file.status = statuses.get(file.path) ?? null;
  return {
    sha,
    authorName,
    authorEmail,
    committedAt: isoSeconds(Number(committed) * 1000),
    message,
    files,
  };
}

/** Whether `text[from, to)` is a numstat count: digits, or `-` for a binary file. */
function isCount(text: string, from: number, to: number): boolean {
  if (to <= from) return false;
  if (to - from === 1 && text.charCodeAt(from) === 0x2d) return true;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x30 || code > 0x39) return false;
  }
  return true;
}

/**
 * Streams the first-parent history of `range`, oldest first, one commit at a time. The consumer's
 * pace pauses git (async iteration applies backpressure), so memory stays flat on any history.
 * Throws GitError with git's message if git fails, after the commits it printed before failing.
 */
export async function* readFirstParentLog(
  repo: string,
  { range, since }: { range: string; since?: string },
): AsyncGenerator<RawCommit> {
  const args = [
    "-C",
    repo,
    "-c",
    "core.quotePath=false",
    "log",
    "--reverse",
    "--first-parent",
    "--diff-merges=first-parent",
  ];
  // --raw gives each file's change letter (who created a file, which are gone); --numstat its lines.
  args.push("-M", "--raw", "--numstat", "-z", "--no-color", FORMAT);
  if (since) args.push(`--since=${since}T00:00:00Z`);
  args.push(range, "--");
  const child = spawn("git", args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => {
    stderr += text;
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code));
  });

  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of child.stdout) {
      pending = pending.length ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer);
      let start = pending.indexOf(RECORD);
      if (start < 0) continue;
      for (let next = pending.indexOf(RECORD, start + 1); next >= 0; next = pending.indexOf(RECORD, start + 1)) {
        yield parseRecord(decode(pending.subarray(start + 1, next)));
        start = next;
      }
      pending = pending.subarray(start);
    }
    const code = await exited;
    if (code !== 0) {
      throw new GitError(stderr.trim() || `git log exited with ${code}`);
    }
    if (pending.length > 1) yield parseRecord(decode(pending.subarray(1)));
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

/**
 * Applies .mailmap to `Name <email>` contacts git does not map itself (Co-authored-by trailers), while
 * the import goes on.
 */
export async function mapContacts(
  repo: string,
  contacts: string[],
): Promise<Map<string, { name: string; email: string }>> {
  const mapped = new Map<string, { name: string; email: string }>();
  if (contacts.length === 0) return mapped;
  const { ok, stdout } = await gitInBackground(repo, ["check-mailmap", ...contacts]);
  if (!ok) return mapped;
  stdout
    .split("\n")
    .filter(Boolean)
    .forEach((line, i) => {
      const match = /^(.*?)\s*<([^>]*)>$/.exec(line);
      const contact = contacts[i];
      if (match && contact) mapped.set(contact, { name: match[1] ?? "", email: match[2] ?? "" });
    });
  return mapped;
}
