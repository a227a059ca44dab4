import { seededRandom } from "../../../app/demo/seeded-random";

export interface SimUser {
  login: string;
  name: string;
  type: "User" | "Bot";
}

export interface SimComment {
  id: number;
  author: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface SimReview {
  author: string;
  state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED";
  submittedAt: string;
}

export interface SimPullRequestDetails {
  files: Array<{ path: string; additions: number; deletions: number }>;
  reviews: SimReview[];
  mergedAt: string | null;
  /** The squash commit on the default branch, for merged pull requests. */
  mergeCommit: string | null;
}

export interface SimIssue {
  number: number;
  pr?: SimPullRequestDetails;
  title: string;
  body: string;
  state: "open" | "closed";
  author: string;
  assignees: string[];
  labels: string[];
  createdAt: string;
  updatedAt: string;
  comments: SimComment[];
  isPullRequest: boolean;
}

/** What the simulator serves: one repository's issues and pull requests, and its people. */
export interface SimRepository {
  owner: string;
  name: string;
  defaultBranch: string;
  users: Map<string, SimUser>;
  /** Issues and pull requests share GitHub's number space, as on GitHub. */
  issues: Map<number, SimIssue>;
  /** Files of the default branch the contents endpoint serves (a CODEOWNERS), by path. */
  files: Map<string, string>;
}

const stagePaths = [
  "Python/optimizer.c",
  "Python/optimizer_analysis.c",
  "Python/optimizer_bytecodes.c",
  "Python/optimizer_symbols.c",
  "Python/jit.c",
  "Tools/jit/_targets.py",
  "Tools/jit/_stencils.py",
  "Include/internal/pycore_jit.h",
];

/** The squash commit sha of a merged pull request: stable, so tests can build matching git history. */
export function commitSha(prNumber: number): string {
  return prNumber.toString(16).padStart(40, "c");
}

export const refcountItems = [
  "_BINARY_OP_ADD_INT",
  "_BINARY_OP_MULTIPLY_FLOAT",
  "_BINARY_OP_SUBSCR_LIST_INT",
  "_STORE_SUBSCR_LIST_INT",
  "_LOAD_ATTR_INSTANCE_VALUE",
  "_COMPARE_OP_STR",
  "_CONTAINS_OP_DICT",
  "_BINARY_OP_SUBSCR_TUPLE_INT",
  "_UNPACK_SEQUENCE_TWO_TUPLE",
  "_LOAD_ATTR_MODULE",
  "_STORE_ATTR_SLOT",
  "_CALL_LEN",
];
export const coverageItems = ["_LOAD_SUPER_ATTR", "_CALL_BUILTIN_FAST", "_GET_ITER", "_FOR_ITER_RANGE"];
export const popTopItems = [
  "_STORE_ATTR_INSTANCE_VALUE",
  "_CALL_ISINSTANCE",
  "_BINARY_OP_SUBSCR_DICT",
  "_CALL_LIST_APPEND",
];

/**
 * A CPython-like repository, the same for the same seed, relative to `now`: at least `pullRequests`
 * pull requests by a few hundred people and bots, the refcount umbrella gh-134584 and gh-145866 with
 * checklists (some items ticked, some claimed by comment or by an open PR), and issues labelled
 * easy / good first issue in every stage.
 */
export function generateRepository({
  now,
  pullRequests = 30_000,
  seed = 7,
}: {
  now: string;
  pullRequests?: number;
  seed?: number;
}): SimRepository {
  const random = seededRandom(seed);
  const ago = (days: number) => new Date(Date.parse(now) - days * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const users = new Map<string, SimUser>();
  const user = (login: string, name: string, type: SimUser["type"] = "User") => {
    users.set(login, { login, name, type });
    return login;
  };
  const people = Array.from({ length: 300 }, (_, i) => user(`dev${i}`, `Developer ${i}`));
  const bot = user("miss-islington", "Miss Islington (bot)", "Bot");
  const mira = user("mokafor", "Mira Okafor");
  const sam = user("sokoro", "Sam Okoro");
  const ana = user("acosta", "Ana Costa");
  const lucas = user("lferreira", "Lucas Ferreira");
  const noor = user("nhaddad", "Noor Haddad");

  const issues = new Map<number, SimIssue>();
  let next = 100_000;
  const add = (
    issue: Omit<SimIssue, "number" | "comments"> & { comments?: Array<Omit<SimComment, "id" | "updatedAt">> },
  ) => {
    const number = next++;
    let commentId = number * 100;
    issues.set(number, {
      ...issue,
      number,
      comments: (issue.comments ?? []).map((c) => ({ ...c, id: commentId++, updatedAt: c.createdAt })),
    });
    return number;
  };

  // The bulk: pull requests over five years, most merged, some open; a tenth touch JIT stage files
  // and are reviewed by the JIT's maintainers; a few are the backport bot's.
  const maintainers = ["mokafor", "hsato", "dalvarez", "klindqvist", "twren", "praman"].map((login) =>
    user(login, login),
  );
  for (let i = 0; i < pullRequests; i++) {
    const open = random() < 0.05;
    const jit = random() < 0.1;
    const created = ago(5 + random() * 1800);
    const mergedAt = open
      ? null
      : ago(Math.max(1, (Date.parse(now) - Date.parse(created)) / 86_400_000 - 1 - random() * 3));
    const author = random() < 0.03 ? bot : (people[Math.floor(people.length * random() ** 2)] ?? "dev0");
    const files = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, k) => ({
      path:
        jit && k === 0
          ? (stagePaths[Math.floor(random() * stagePaths.length)] ?? "Python/jit.c")
          : `Lib/module_${Math.floor(random() * 400)}.py`,
      additions: 1 + Math.floor(random() * 80),
      deletions: Math.floor(random() * 30),
    }));
    const reviews: SimReview[] = jit
      ? Array.from({ length: 1 + Math.floor(random() * 3) }, (_, k) => ({
          author: random() < 0.1 ? author : (maintainers[Math.floor(random() * maintainers.length)] ?? "mokafor"),
          state:
            (["APPROVED", "APPROVED", "COMMENTED", "CHANGES_REQUESTED"] as const)[Math.floor(random() * 4)] ??
            "APPROVED",
          // Reviews come in while the PR is open: k hours after it was opened.
          submittedAt: new Date(Date.parse(created) + (k + 1) * 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
        }))
      : [];
    const number = add({
      title: `gh-${90_000 + Math.floor(random() * 50_000)}: ${jit ? "JIT" : "Library"} change ${i}`,
      body: "",
      state: open ? "open" : "closed",
      author,
      assignees: [],
      labels: jit ? ["topic-JIT"] : [],
      createdAt: created,
      updatedAt: mergedAt ?? created,
      isPullRequest: true,
    });
    const pr = issues.get(number);
    if (pr) pr.pr = { files, reviews, mergedAt, mergeCommit: mergedAt ? commitSha(number) : null };
  }

  const umbrella = (
    number: number,
    title: string,
    items: string[],
    done: (i: number) => boolean,
    comments: Array<Omit<SimComment, "id" | "updatedAt">>,
  ) => {
    issues.set(number, {
      number,
      title,
      body: `Starter tasks: pick one, say so in a comment, and open a PR titled "gh-${number}: …".\n\n${items
        .map((item, i) => `- [${done(i) ? "x" : " "}] \`${item}\``)
        .join("\n")}\n`,
      state: "open",
      author: mira,
      assignees: [],
      labels: ["topic-JIT", "type-feature"],
      createdAt: ago(400),
      updatedAt: ago(2),
      comments: comments.map((c, i) => ({ ...c, id: number * 100 + i, updatedAt: c.createdAt })),
      isPullRequest: false,
    });
  };
  umbrella(134584, "Eliminate redundant refcounting in the JIT", refcountItems, (i) => i < 7, [
    { author: sam, body: `I'd like to work on \`${refcountItems[7]}\`, if nobody has it.`, createdAt: ago(12) },
    { author: "dev5", body: `Why does ${refcountItems[9]} need a guard?`, createdAt: ago(8) },
    { author: "dev9", body: `I'll take ${refcountItems[10]}`, createdAt: ago(200) },
  ]);
  umbrella(
    145866,
    "Convert more uops to leave their inputs on the stack to be cleaned up by _POP_TOP",
    popTopItems,
    (i) => i === 0,
    [{ author: lucas, body: `I'm working on ${popTopItems[1]}.`, createdAt: ago(5) }],
  );
  umbrella(131798, "Better uop coverage in the JIT optimizer", coverageItems, (i) => i < 2, []);
  add({
    title: `gh-134584: Eliminate redundant refcounting from ${refcountItems[8]}`,
    body: "Part of gh-134584.",
    state: "open",
    author: ana,
    assignees: [],
    labels: ["topic-JIT"],
    createdAt: ago(3),
    updatedAt: ago(3),
    isPullRequest: true,
  });

  // Labelled starter issues: one claimed by assignment, one by a comment, one by an open PR naming it.
  const labelled: Array<[string, string[], string | null]> = [
    [
      "Document the trace recorder's warm-up thresholds in InternalDocs/jit.md and Python/optimizer.c",
      ["easy", "docs"],
      null,
    ],
    ["Add a test for traces that end in a side exit (Python/optimizer.c)", ["good first issue", "tests"], null],
    ["Check stencil alignment on AArch64 (Tools/jit/_targets.py)", ["easy", "topic-JIT"], noor],
    [
      "Print the stencil sizes in the JIT build's verbose output (Tools/jit/build.py)",
      ["good first issue", "topic-JIT"],
      null,
    ],
    ["Fix a typo in the asyncio docs (Doc/library/asyncio-task.rst)", ["easy", "docs"], null],
  ];
  const labelledNumbers = labelled.map(([title, labels, assignee], i) => {
    const comments =
      i === 0
        ? [
            { author: "dev7", body: "Which thresholds do you mean?", createdAt: ago(40) },
            { author: sam, body: "I'd like to work on this one.", createdAt: ago(6) },
          ]
        : [];
    const updatedAt = i === 0 ? ago(6) : ago(30);
    return add({
      title,
      body: title,
      state: "open",
      author: "dev1",
      assignees: assignee ? [assignee] : [],
      labels,
      createdAt: ago(50),
      updatedAt,
      comments,
      isPullRequest: false,
    });
  });
  add({
    title: `gh-${labelledNumbers[3]}: Print the stencil sizes in verbose JIT builds`,
    body: "",
    state: "open",
    author: lucas,
    assignees: [],
    labels: ["topic-JIT"],
    createdAt: ago(4),
    updatedAt: ago(4),
    isPullRequest: true,
  });
  add({
    title: "An old easy issue, fixed",
    body: "",
    state: "closed",
    author: "dev2",
    assignees: [],
    labels: ["easy"],
    createdAt: ago(300),
    updatedAt: ago(200),
    isPullRequest: false,
  });

  // Declared owners that differ from who does the work, as in many real repositories.
  const files = new Map([
    [
      ".github/CODEOWNERS",
      "# Owners of the JIT\nPython/optimizer*.c @dev1\nPython/jit.c @dev2 @former-maintainer\nTools/jit/ @dev2\n",
    ],
  ]);
  return { owner: "python", name: "cpython", defaultBranch: "main", users, issues, files };
}

/**
 * Adds an open pull request to `repository` under the next free number, as a test's webhook names it:
 * the simulator serves it from then on (GraphQL `pullRequest(number:)`), with these files and reviews.
 */
export function addPullRequest(
  repository: SimRepository,
  pr: {
    author: string;
    title: string;
    files: SimPullRequestDetails["files"];
    reviews?: SimReview[];
    labels?: string[];
    createdAt: string;
  },
): SimIssue {
  const number = Math.max(0, ...repository.issues.keys()) + 1;
  for (const login of [pr.author, ...(pr.reviews ?? []).map((r) => r.author)]) {
    if (!repository.users.has(login)) repository.users.set(login, { login, name: login, type: "User" });
  }
  const issue: SimIssue = {
    number,
    title: pr.title,
    body: "",
    state: "open",
    author: pr.author,
    assignees: [],
    labels: pr.labels ?? [],
    createdAt: pr.createdAt,
    updatedAt: pr.createdAt,
    comments: [],
    isPullRequest: true,
    pr: { files: pr.files, reviews: pr.reviews ?? [], mergedAt: null, mergeCommit: null },
  };
  repository.issues.set(number, issue);
  return issue;
}
