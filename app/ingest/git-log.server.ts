import { spawn, spawnSync } from "node:child_process";
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

const numstatEntry = /^(\d+|-)\t(\d+|-)\t([\s\S]*)$/;
// `--raw -z`: `:oldmode newmode oldsha newsha STATUS` then the path (two paths for R and C).
const rawEntry = /^:\d+ \d+ [0-9a-f]+ [0-9a-f]+ ([A-Z])\d*$/;

function fileStatus(letter: string): FileStatus {
  return letter === "A" || letter === "D" || letter === "R" || letter === "C" ? letter : "M";
}

/** Parses one record (the bytes after a 0x1e separator) of the format above. */
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
  const tokens = record
    .slice(start)
    .replace(/^\0?\n?/, "")
    .split("\0");
  const files: RawCommit["files"] = [];
  const statuses = new Map<string, FileStatus>();
  for (let i = 0; i < tokens.length; i++) {
    const raw = rawEntry.exec(tokens[i] ?? "");
    if (raw?.[1]) {
      const status = fileStatus(raw[1]);
      // Its paths are the next tokens: never read them as numstat entries.
      const twoPaths = status === "R" || status === "C";
      const path = tokens[i + (twoPaths ? 2 : 1)];
      if (path !== undefined) statuses.set(path, status);
      i += twoPaths ? 2 : 1;
      continue;
    }
    const match = numstatEntry.exec(tokens[i] ?? "");
    if (!match) continue;
    const added = match[1] === "-" ? null : Number(match[1]);
    const deleted = match[2] === "-" ? null : Number(match[2]);
    if (match[3]) {
      files.push({ path: match[3], added, deleted, previousPath: null, status: null });
    } else {
      // A rename or copy: `added\tdeleted\t` then the old and the new path as their own entries.
      const previousPath = tokens[i + 1] ?? null;
      const path = tokens[i + 2] ?? "";
      i += 2;
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

/** Applies .mailmap to `Name <email>` contacts git does not map itself (Co-authored-by trailers). */
export function mapContacts(repo: string, contacts: string[]): Map<string, { name: string; email: string }> {
  const mapped = new Map<string, { name: string; email: string }>();
  if (contacts.length === 0) return mapped;
  const { ok, stdout } = git(repo, ["check-mailmap", ...contacts], { allowFailure: true });
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
