// CODEOWNERS: who a repository declares as the reviewers of its paths, read with GitHub's semantics
// (https://docs.github.com/en/repositories/managing-your-repositorys-settings-and-features/customizing-your-repository/about-code-owners),
// and compared with who actually maintains each stage. Pure: text in, answers out.
import { globToRegExp } from "./config";

/** Where GitHub looks for the file, in the order it looks. */
export const codeownersLocations = [".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS"] as const;

export interface CodeownersRule {
  /** 1-based line number in the file. */
  line: number;
  pattern: string;
  /** `@login`, `@org/team` or an e-mail address; empty: matching paths have no owner. */
  owners: string[];
  matches: (path: string) => boolean;
}

export interface Codeowners {
  rules: CodeownersRule[];
  /** Lines GitHub would not understand, each with why. */
  problems: Array<{ line: number; message: string }>;
}

const userOwner = /^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const teamOwner = /^@[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/;
const emailOwner = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** A GitHub user (`@login`), rather than a team or an e-mail address. */
export function isUserOwner(owner: string): boolean {
  return userOwner.test(owner);
}

/**
 * A CODEOWNERS pattern as a path matcher. Gitignore rules as GitHub applies them: a leading `/` or a
 * slash inside anchors the pattern at the root, otherwise it matches at any depth; a pattern naming a
 * folder (`docs/`, `apps`) covers everything below it; `docs/*` covers only the files directly in docs
 * (GitHub's documented exception); `!` and `[ ]` are not supported, so they are literal.
 */
export function codeownersMatcher(pattern: string): (path: string) => boolean {
  let glob = pattern;
  const anchored = glob.startsWith("/") || glob.replace(/\/+$/, "").includes("/");
  glob = glob.replace(/^\/+/, "");
  const folderOnly = glob.endsWith("/");
  glob = glob.replace(/\/+$/, "");
  if (!anchored && !glob.startsWith("**/")) glob = `**/${glob}`;
  const self = globToRegExp(glob);
  // `docs/*`: the files in docs, not those further down.
  const descends = !(glob.endsWith("/*") && glob !== "**/*");
  const below = descends ? globToRegExp(`${glob}/**`) : null;
  return (path) => (!folderOnly && self.test(path)) || (below?.test(path) ?? false);
}

/** Parses a CODEOWNERS file; lines it cannot use are reported in `problems` and skipped. */
export function parseCodeowners(text: string): Codeowners {
  const rules: CodeownersRule[] = [];
  const problems: Codeowners["problems"] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    // `#` starts a comment unless escaped (`\#file` names a file starting with #).
    const content = raw.replace(/(^|[^\\])#.*$/, "$1").trim();
    if (!content) return;
    const [rawPattern = "", ...owners] = content.split(/\s+/);
    const pattern = rawPattern.replace(/\\#/g, "#");
    if (pattern.startsWith("!")) {
      problems.push({ line, message: `${pattern}: GitHub does not support negated patterns (!); the line is ignored` });
      return;
    }
    const bad = owners.filter((o) => !userOwner.test(o) && !teamOwner.test(o) && !emailOwner.test(o));
    if (bad.length > 0) {
      problems.push({
        line,
        message: `${bad.join(", ")}: not an owner (write @login, @org/team or an e-mail address); GitHub ignores the line`,
      });
      return;
    }
    rules.push({ line, pattern, owners, matches: codeownersMatcher(pattern) });
  });
  return { rules, problems };
}

/** The rule that decides `path`'s owners: the last one that matches. Null when none does. */
export function ruleFor(codeowners: Codeowners, path: string): CodeownersRule | null {
  for (let i = codeowners.rules.length - 1; i >= 0; i--) {
    const rule = codeowners.rules[i];
    if (rule?.matches(path)) return rule;
  }
  return null;
}

export interface DeclaredOwner {
  owner: string;
  /** How many of the stage's files CODEOWNERS names them for. */
  files: number;
}

export interface OwnershipPerson {
  id: number;
  login: string | null;
  name: string;
}

export interface StageOwnership {
  /** Everyone the file declares for the stage's files, most files first. */
  declared: DeclaredOwner[];
  /** The stage's files no rule gives an owner. */
  unownedFiles: string[];
  fileCount: number;
  /** Declared people (`@login`) who are not active maintainers of the stage. */
  declaredNotActive: DeclaredOwner[];
  /** Active maintainers CODEOWNERS names for none of the stage's files (or who have no known login). */
  activeNotDeclared: OwnershipPerson[];
  /** Teams and e-mail addresses: Steward cannot tell who is behind them, so they are not compared. */
  notCompared: DeclaredOwner[];
  /** The lines Steward would write for the stage: its path rules with its active maintainers. */
  suggestedLines: string[];
}

/**
 * Declared versus observed for one stage: `files` are the stage's hand-written files, `globs` its
 * hand-written path rules (for the suggested lines), `maintainers` its active maintainers (most credit
 * first), `knowers` the people who author its files, suggested when no maintainer has a login.
 */
export function compareOwnership(
  codeowners: Codeowners,
  {
    files,
    globs,
    maintainers,
    knowers = [],
  }: { files: string[]; globs: string[]; maintainers: OwnershipPerson[]; knowers?: OwnershipPerson[] },
): StageOwnership {
  const counts = new Map<string, number>();
  const unownedFiles: string[] = [];
  for (const path of files) {
    const owners = ruleFor(codeowners, path)?.owners ?? [];
    if (owners.length === 0) unownedFiles.push(path);
    for (const owner of new Set(owners)) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  }
  const declared = [...counts]
    .map(([owner, n]) => ({ owner, files: n }))
    .sort((a, b) => b.files - a.files || (a.owner < b.owner ? -1 : 1));
  const maintainerLogins = new Set(maintainers.flatMap((m) => (m.login ? [`@${m.login.toLowerCase()}`] : [])));
  const declaredLogins = new Set(declared.map((d) => d.owner.toLowerCase()));
  const suggestFrom = maintainers.some((m) => m.login) ? maintainers : knowers;
  const owners = suggestFrom.flatMap((p) => (p.login ? [`@${p.login}`] : []));
  return {
    declared,
    unownedFiles,
    fileCount: files.length,
    declaredNotActive: declared.filter((d) => isUserOwner(d.owner) && !maintainerLogins.has(d.owner.toLowerCase())),
    activeNotDeclared: maintainers.filter((m) => !m.login || !declaredLogins.has(`@${m.login.toLowerCase()}`)),
    notCompared: declared.filter((d) => !isUserOwner(d.owner)),
    suggestedLines: globs.map((glob) =>
      owners.length > 0 ? `/${glob} ${owners.join(" ")}` : `# /${glob}: nobody active with a GitHub login to name`,
    ),
  };
}
