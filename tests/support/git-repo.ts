import { execFileSync, type ExecFileSyncOptions } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Environment that makes git independent of the machine's config and clock. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    HOME: os.tmpdir(),
    GIT_AUTHOR_NAME: "Test Author",
    GIT_AUTHOR_EMAIL: "author@example.org",
    GIT_COMMITTER_NAME: "Test Committer",
    GIT_COMMITTER_EMAIL: "committer@example.org",
    ...extra,
  };
}

/** A throwaway repository on disk that tests build commit by commit with real git. */
export class TestRepo {
  private constructor(readonly dir: string) {}

  static create(): TestRepo {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "steward-repo-"));
    const repo = new TestRepo(dir);
    repo.git(["init", "-q", "-b", "main"]);
    return repo;
  }

  git(args: string[], env: Record<string, string> = {}, options: ExecFileSyncOptions = {}): string {
    return execFileSync("git", args, { cwd: this.dir, env: gitEnv(env), encoding: "utf8", ...options }).toString();
  }

  write(file: string, content: string | Buffer): void {
    const full = path.join(this.dir, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }

  /** Commits everything in the work tree at `date` (ISO) as `author`, returning the new sha. */
  commit(
    message: string,
    { date = "2026-01-15T10:00:00Z", author }: { date?: string; author?: { name: string; email: string } } = {},
  ): string {
    this.git(["add", "-A"]);
    const env: Record<string, string> = { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
    if (author) Object.assign(env, { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email });
    this.git(["commit", "-q", "--allow-empty", "-m", message], env);
    return this.git(["rev-parse", "HEAD"]).trim();
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
