import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { seededRandom } from "../../app/demo/seeded-random";
import { gitEnv } from "./git-repo";

const stagePaths = [
  "Python/optimizer.c",
  "Python/optimizer_bytecodes.c",
  "Python/optimizer_analysis.c",
  "Python/jit.c",
  "Tools/jit/_targets.py",
  "Python/bytecodes.c",
];
const otherPaths = Array.from(
  { length: 200 },
  (_, i) => ["Objects", "Lib", "Modules", "Doc", "Lib/test"][i % 5] + `/file_${i}.${i % 3 ? "c" : "py"}`,
);

/**
 * Writes a CPython-like linear history of `commits` commits into a new repository at `dir` with
 * `git fast-import` (tens of thousands of commits in seconds): CPython-style subjects, 300
 * authors, 1–4 changed files per commit, a tenth of them in JIT stage files.
 */
export function createSyntheticRepo(dir: string, { commits, seed = 1 }: { commits: number; seed?: number }): void {
  const init = spawnSync("git", ["init", "-q", "-b", "main", dir], { env: gitEnv() });
  if (init.status !== 0) throw new Error(`git init failed: ${init.stderr.toString()}`);
  const random = seededRandom(seed);
  const contents = new Map<string, string[]>();
  // The fast-import stream goes to a file as it is made: tens of thousands of commits exceed what
  // one string may hold.
  const streamFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "steward-fast-import-")), "stream");
  const out = fs.openSync(streamFile, "w");
  const parts = { push: (text: string) => fs.writeSync(out, text) };
  const start = Date.UTC(2020, 0, 1) / 1000;
  for (let n = 1; n <= commits; n++) {
    const who = Math.floor(300 * random() ** 2);
    const when = start + n * 3600;
    const issue = 100000 + n;
    const message = `gh-${issue}: Synthetic change number ${n} (#${200000 + n})\n`;
    const ident = `Author ${who} <author${who}@example.org> ${when} +0000`;
    parts.push(
      `commit refs/heads/main\nmark :${n}\nauthor ${ident}\ncommitter ${ident}\ndata ${Buffer.byteLength(message)}\n${message}`,
    );
    if (n > 1) parts.push(`from :${n - 1}\n`);
    const fileCount = 1 + Math.floor(random() * 4);
    for (let f = 0; f < fileCount; f++) {
      const pool = random() < 0.1 ? stagePaths : otherPaths;
      const file = pool[Math.floor(random() * pool.length)] ?? "README";
      const lines = contents.get(file) ?? [];
      const edits = 1 + Math.floor(random() * 6);
      for (let e = 0; e < edits; e++) {
        const line = `line ${n}.${e} ${Math.floor(random() * 1e9)}`;
        if (lines.length >= 30 || (lines.length > 10 && random() < 0.5))
          lines[Math.floor(random() * lines.length)] = line;
        else lines.push(line);
      }
      contents.set(file, lines);
      const data = `${lines.join("\n")}\n`;
      parts.push(`M 100644 inline ${file}\ndata ${Buffer.byteLength(data)}\n${data}`);
    }
    parts.push("\n");
  }
  fs.closeSync(out);
  const input = fs.openSync(streamFile, "r");
  const result = spawnSync("git", ["-C", dir, "fast-import", "--quiet"], {
    stdio: [input, "pipe", "pipe"],
    env: gitEnv(),
  });
  fs.closeSync(input);
  fs.rmSync(path.dirname(streamFile), { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`git fast-import failed: ${result.stderr.toString()}`);
}
