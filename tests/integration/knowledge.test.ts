import { CompiledQuery, createQueryId, sql, type KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../../app/db.server";
import { createGitHubClient } from "../../app/github.server";
import { importGitHistory } from "../../app/ingest/git-import.server";
import { syncPullRequests } from "../../app/ingest/github-sync.server";
import { getLatestCodeowners, getStageKnowledge, listStageFileTouches } from "../../app/models/knowledge.server";
import type { NewContribution } from "../../app/models/contribution.server";
import { seededRandom } from "../../app/demo/seeded-random";
import { buildFileHistories, isStageSourceFile, stageKnowledge } from "../../app/stewardship/knowledge";
import { PeopleResolver } from "../../app/models/person.server";
import { upsertPullRequest } from "../../app/models/pull-request.server";
import { action as knowledgeAction, loader as knowledgeApi } from "../../app/routes/api.knowledge";
import { loader as reviewersApi } from "../../app/routes/api.reviewers";
import { loader as stagePage } from "../../app/routes/stages.$stage";
import { addDays, todayUtc } from "../../app/stewardship/metrics";
import { createTestDatabase, defaultConfig, onSqlite, setUpTestDatabase } from "../support/db";
import { store } from "../support/factories";
import { TestRepo } from "../support/git-repo";
import { generateRepository } from "../support/github-simulator/data";
import { startGitHubSimulator } from "../support/github-simulator/server";

const config = defaultConfig();
const today = todayUtc();
const day = (daysAgo: number) => `${addDays(today, -daysAgo)}T10:00:00Z`;
const ana = { name: "Ana Lima", email: "101+ana@users.noreply.github.com" };
const ben = { name: "Ben Okoro", email: "102+benb@users.noreply.github.com" };
setUpTestDatabase({ asAppDatabase: true });
let repo: TestRepo;

async function get(loader: typeof knowledgeApi, path: string) {
  const response = await loader({ request: new Request(`http://steward.test${path}`), params: {}, context: {} });
  if (!(response instanceof Response)) throw new Error("API loaders answer with a Response");
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface StageBody {
  id: string;
  activeMaintainerCount: number;
  truckFactor: number;
  fileCount: number;
  orphanedWithoutKeyPeople: number;
  knowers: Array<{ login: string | null; keyPerson: boolean; fileCount: number; files: string[] }>;
  ownership: {
    declared: Array<{ owner: string; files: number }>;
    declaredNotActive: Array<{ owner: string; files: number }>;
    activeNotDeclared: Array<{ login: string | null }>;
    unownedFiles: { items: string[]; more: number };
    suggestedLines: string[];
  } | null;
}

const backendOf = (body: Record<string, unknown>) =>
  (body.stages as StageBody[]).find((s) => s.id === "backend") ?? expect.fail("no backend stage in the answer");

// A backend written by Ana, with Ben arriving: Ana adds the JIT, Ben adds the executor and touches jit.c
// once, Ana renames a Tools/jit file; CODEOWNERS names Ana and Carol, who never worked on it.
beforeAll(async () => {
  repo = TestRepo.create();
  repo.write("Python/jit.c", "int jit;\n".repeat(20));
  repo.write("Tools/jit/build.py", "print('build')\n".repeat(10));
  repo.write("Tools/jit/_targets.py", "TARGETS = []\n".repeat(30));
  repo.write("Python/optimizer_cases.c.h", "// generated\n");
  repo.commit("gh-1001: Add a copy-and-patch JIT (#1001)", { date: day(40), author: ana });
  repo.write("Python/executor.c", "int executor;\n".repeat(10));
  repo.write("Python/jit.c", "int jit;\n".repeat(20) + "int more;\n");
  repo.commit("gh-1002: Run executors (#1002)", { date: day(30), author: ben });
  repo.git(["mv", "Tools/jit/_targets.py", "Tools/jit/targets.py"]);
  repo.write("Tools/jit/targets.py", "TARGETS = []\n".repeat(30) + "# renamed\n");
  repo.commit("gh-1003: Rename the JIT's targets module (#1003)", { date: day(20), author: ana });
  repo.write(".github/CODEOWNERS", "# JIT\nPython/jit.c @ana @carol\nTools/jit/ @carol\n!Python/ceval.c @x\n");
  repo.commit("Add CODEOWNERS (#1004)", { date: day(5), author: ana });
  const db = await getDb();
  const summary = await importGitHistory({ db, config, repoPath: repo.dir });
  expect(summary.codeowners).toBe(".github/CODEOWNERS");
  // Carol opens a backend PR; Erin's was merged and git has not brought it yet.
  await db.transaction().execute(async (trx) => {
    const people = await PeopleResolver.load(trx, config);
    const pr = (number: number, state: "open" | "merged", login: string) => ({
      number,
      title: `gh-1005: Speed up the JIT's stencils (#${number})`,
      createdAt: day(2),
      mergedAt: state === "merged" ? day(1) : null,
      state,
      updatedAt: day(1),
      author: { name: login, login },
      account: { login, isBot: false, avatarUrl: null },
      labels: [],
      refs: [1005],
      files: [{ path: "Python/jit.c", added: 5, deleted: 1 }],
      reviewers: [],
    });
    await upsertPullRequest(trx, { config, people, pr: pr(2001, "open", "carol") });
    await upsertPullRequest(trx, { config, people, pr: pr(2000, "merged", "erin") });
  });
});
afterAll(() => repo.remove());

describe("the knowledge truck factor from a git import", () => {
  it("stores git's change letters, so creation, renames and the stage's files are known", async () => {
    const db = await getDb();
    const touches = await listStageFileTouches(db, {
      config,
      stageId: "backend",
      before: `${addDays(today, 1)}T00:00:00Z`,
    });
    const rows = touches
      .filter((t) => !t.path.endsWith(".c.h"))
      .map((t) => [t.path, t.status, t.previousPath])
      .sort();
    expect(rows).toEqual(
      [
        ["Python/jit.c", "A", null],
        ["Python/jit.c", "M", null],
        // the merged PR git has not brought counts (its status unknown); the open one does not
        ["Python/jit.c", null, null],
        ["Tools/jit/build.py", "A", null],
        ["Tools/jit/_targets.py", "A", null],
        ["Tools/jit/targets.py", "R", "Tools/jit/_targets.py"],
        ["Python/executor.c", "A", null],
      ].sort(),
    );
  });

  it("answers the truck factor, the files each person knows and CODEOWNERS declared versus active", async () => {
    const { status, body } = await get(knowledgeApi, "/api/knowledge?stage=backend");
    expect(status).toBe(200);
    expect(body.codeowners).toMatchObject({
      path: ".github/CODEOWNERS",
      problems: [
        { line: 4, message: "!Python/ceval.c: GitHub does not support negated patterns (!); the line is ignored" },
      ],
    });
    expect(body.stages).toHaveLength(1);
    const backend = backendOf(body);
    // jit.c: Ana created it (4.555 − 0.321·ln 3 = 4.20); Ben's one commit and Erin's merged PR give each
    // 3.457 − 0.321·ln 3 = 3.10, below 3.293: only Ana authors it. Without Ana, 3 of 4 files have no author.
    expect(backend).toMatchObject({
      activeMaintainerCount: 1,
      truckFactor: 1,
      fileCount: 4,
      orphanedWithoutKeyPeople: 3,
      knowers: [
        {
          login: "ana",
          keyPerson: true,
          fileCount: 3,
          files: ["Python/jit.c", "Tools/jit/build.py", "Tools/jit/targets.py"],
        },
        { login: "benb", keyPerson: false, fileCount: 1, files: ["Python/executor.c"] },
      ],
    });
    expect(backend.ownership).toEqual({
      declared: [
        { owner: "@carol", files: 3 },
        { owner: "@ana", files: 1 },
      ],
      unownedFiles: { items: ["Python/executor.c"], more: 0 },
      fileCount: 4,
      declaredNotActive: [{ owner: "@carol", files: 3 }],
      activeNotDeclared: [],
      notCompared: [],
      suggestedLines: [
        "/Python/jit.c @ana",
        "/Tools/jit/** @ana",
        "/Include/internal/pycore_jit.h @ana",
        "/.github/workflows/jit.yml @ana",
        "/Python/executor.c @ana",
      ],
    });
  });

  it("measures knowledge as of a day: before Ben's commit he knows nothing", async () => {
    const { body } = await get(knowledgeApi, `/api/knowledge?stage=backend&asOf=${addDays(today, -35)}`);
    const backend = backendOf(body);
    expect(backend).toMatchObject({ truckFactor: 1, fileCount: 3 });
    expect(backend.knowers.map((k) => k.login)).toEqual(["ana"]);
  });

  it("refuses bad parameters and unknown stages, and answers GET only", async () => {
    expect(await get(knowledgeApi, "/api/knowledge?stage=midend")).toEqual({
      status: 404,
      body: { error: 'There is no stage "midend". Configured stages: frontend, middle-end, backend.' },
    });
    expect((await get(knowledgeApi, "/api/knowledge?window=0")).status).toBe(400);
    const response = await knowledgeAction({
      request: new Request("http://steward.test/api/knowledge", { method: "POST" }),
      params: {},
      context: {},
    });
    expect(response.status).toBe(405);
  });

  it("shows the truck factor and the declared owners on the stage page", async () => {
    const data = await stagePage({
      request: new Request("http://steward.test/stages/backend"),
      params: { stage: "backend" },
      context: {},
    });
    expect(data.knowledge).toMatchObject({ truckFactor: 1, fileCount: 4 });
    expect(data.knowledge.ownership?.declaredNotActive).toEqual([{ owner: "@carol", files: 3 }]);
    expect(data.reviewers.map((r) => r.number)).toEqual([2001]);
  });
});

describe("a learner reviewer for an open pull request", () => {
  it("suggests the maintainer and the person closest to the rule, then a mentee of an active plan", async () => {
    const { status, body } = await get(reviewersApi, "/api/reviewers?pr=2001");
    expect(status).toBe(200);
    expect(body).toMatchObject({
      pr: 2001,
      state: "open",
      title: "gh-1005: Speed up the JIT's stencils (#2001)",
      authors: [{ login: "carol" }],
      note: null,
      suggestions: [
        {
          stageId: "backend",
          maintainers: [{ login: "ana" }],
          learner: { login: "benb", why: "the closest to the Backend maintainer rule, needing 1 more credit" },
        },
      ],
    });

    const db = await getDb();
    const [anaId, dora] = await Promise.all([
      db.selectFrom("people").select("id").where("login", "=", "ana").executeTakeFirstOrThrow(),
      db.insertInto("people").values({ login: "dora", name: "Dora Mwangi" }).returning("id").executeTakeFirstOrThrow(),
    ]);
    const plan = {
      stageId: "backend",
      mentorPersonId: anaId.id,
      menteePersonId: Number(dora.id),
      aim: "review the JIT",
      notes: "",
      createdAt: day(3),
      createdBy: "ana",
      updatedAt: day(3),
      updatedBy: "ana",
    };
    await db
      .insertInto("mentoringPlans")
      .values({ ...plan, status: "done" })
      .execute();
    expect((await get(reviewersApi, "/api/reviewers?pr=2001")).body.suggestions).toMatchObject([
      { learner: { login: "benb" } }, // a finished plan changes nothing
    ]);
    await db
      .insertInto("mentoringPlans")
      .values({ ...plan, status: "active" })
      .execute();
    expect((await get(reviewersApi, "/api/reviewers?pr=2001")).body.suggestions).toMatchObject([
      { learner: { login: "dora", why: "mentee of @ana in an active Backend mentoring plan" } },
    ]);
    await db.deleteFrom("mentoringPlans").execute();
  });

  it("says why there is nothing to suggest, and refuses what is not a known PR number", async () => {
    expect((await get(reviewersApi, "/api/reviewers?pr=2000")).body).toMatchObject({
      state: "merged",
      suggestions: [],
      note: "#2000 is merged: learner reviewers are suggested for open pull requests only.",
    });
    // Under a rule of 1, Ben maintains the backend too: two maintainers need no learner.
    expect((await get(reviewersApi, "/api/reviewers?pr=2001&min=1")).body).toMatchObject({
      suggestions: [],
      note: "Every stage #2001 touches has two maintainers or more: no learner reviewer is needed.",
    });
    expect(await get(reviewersApi, "/api/reviewers")).toEqual({
      status: 400,
      body: { error: "pr is required: the number of an open pull request, e.g. ?pr=140556" },
    });
    expect(await get(reviewersApi, "/api/reviewers?pr=12ab")).toEqual({
      status: 400,
      body: { error: 'pr must be a pull request number (a whole number such as 140556), not "12ab"' },
    });
    expect(await get(reviewersApi, "/api/reviewers?pr=999999")).toEqual({
      status: 404,
      body: {
        error: "Steward knows no pull request #999999; open pull requests arrive with a GitHub sync or webhook.",
      },
    });
  });
});

describe("CODEOWNERS and PR states through the GitHub API", () => {
  it("reads CODEOWNERS with the contents endpoint and keeps each PR's state", async () => {
    const now = "2026-11-25T12:00:00Z";
    const github = await startGitHubSimulator({ repository: generateRepository({ now, pullRequests: 400, seed: 5 }) });
    const own = await createTestDatabase();
    try {
      const client = createGitHubClient({
        token: github.token,
        baseUrl: github.url,
        graphqlIntervalMs: 0,
        searchIntervalMs: 0,
      });
      await syncPullRequests({ db: own.db, config, github: client, now });
      expect(github.log.some((r) => r.path.endsWith("/contents/.github%2FCODEOWNERS") && r.status === 200)).toBe(true);
      expect(await getLatestCodeowners(own.db)).toEqual({
        source: "github:python/cpython",
        path: ".github/CODEOWNERS",
        revision: expect.stringMatching(/^[0-9a-f]{40}$/),
        text: github.repository.files.get(".github/CODEOWNERS"),
        readAt: now,
      });
      const states = await own.db
        .selectFrom("contributions")
        .select(["prNumber", "prState"])
        .where("prNumber", "is not", null)
        .execute();
      const expected = (n: number | null) => {
        const issue = github.repository.issues.get(n ?? 0);
        return issue?.pr?.mergedAt ? "merged" : issue?.state === "open" ? "open" : "closed";
      };
      expect(states.length).toBeGreaterThan(0);
      expect(states.filter((s) => s.prState !== expected(s.prNumber))).toEqual([]);
      expect(states.some((s) => s.prState === "open")).toBe(true);

      // The repository drops its CODEOWNERS: the next sync forgets it.
      github.repository.files.clear();
      await syncPullRequests({ db: own.db, config, github: client, now: "2026-11-26T12:00:00Z" });
      expect(await getLatestCodeowners(own.db)).toBeNull();
    } finally {
      await github.close();
      await own.close();
    }
  });
});

/**
 * A random history of the middle-end's and the backend's files: additions, deletions, copies, renames
 * (into the stages from files outside them too), commits and PRs in every state, co-authors and a bot,
 * several contributions at one time and ids out of time order.
 */
function randomHistory(seed: number, count: number): NewContribution[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const paths = [
    "Python/optimizer_analysis.c",
    "Python/optimizer_symbols.c",
    "Python/old_optimizer_pass.c", // outside every stage: renamed in, followed back
    "Python/jit.c",
    "Tools/jit/_targets.py",
    "Tools/jit/targets.py",
    "Python/old_jit.c",
  ];
  const people = [
    ana,
    ben,
    { name: "Cy Young", email: "cy@example.org" },
    { name: "Dev Patel", email: "dev@example.org" },
  ];
  const bot = { name: "Miss Islington (bot)", email: "31488909+miss-islington@users.noreply.github.com" };
  const statuses = ["M", "M", "M", null, "A", "D", "R", "R", "C"] as const;
  return Array.from({ length: count }, (_, i): NewContribution => {
    const files = new Map<string, NewContribution["files"][number]>();
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
      const path = pick(paths);
      const status = pick(statuses);
      const previousPath = status === "R" || status === "C" ? pick(paths) : null;
      files.set(path, { path, added: 3, deleted: 1, status, previousPath });
    }
    const kind = random() < 0.7 ? "commit" : "pull_request";
    const author = random() < 0.1 ? bot : pick(people);
    return {
      kind,
      source: kind === "commit" ? "git" : "github",
      sha: kind === "commit" ? (i + 1).toString(16).padStart(40, "0") : null,
      prNumber: kind === "commit" ? null : 5000 + i,
      prState: kind === "commit" ? null : pick(["merged", "merged", "open", "closed"] as const),
      title: `Change ${i}`,
      occurredAt: `2025-0${1 + Math.floor(random() * 6)}-1${Math.floor(random() * 3)}T12:00:00Z`,
      refs: [],
      labels: [],
      files: [...files.values()],
      people: [
        { identity: author, role: "author" },
        ...(random() < 0.3 ? [{ identity: pick(people), role: "co-author" as const }] : []),
      ],
    };
  }).sort(() => random() - 0.5);
}

describe("the knowledge truck factor counted by the database", () => {
  it("is the model's over every change, read one by one, at any as-of day", async () => {
    const own = await createTestDatabase();
    try {
      // And a file re-added late in a long history, then changed twice: its last run is found from the few
      // contributions since, not from the file's every change.
      const late = (day: string, i: number, status: "A" | "M"): NewContribution => ({
        kind: "commit",
        source: "git",
        sha: (9000 + i).toString(16).padStart(40, "0"),
        prNumber: null,
        title: `Rework the symbols ${i}`,
        occurredAt: `${day}T12:00:00Z`,
        refs: [],
        labels: [],
        files: [{ path: "Python/optimizer_symbols.c", added: 5, deleted: 2, status }],
        people: [{ identity: i % 2 ? ana : ben, role: "author" }],
      });
      await store(own.db, config, [
        ...randomHistory(7, 400),
        late("2025-06-20", 1, "A"),
        late("2025-06-21", 2, "M"),
        late("2025-06-22", 3, "M"),
      ]);
      for (const stageId of ["middle-end", "backend"]) {
        for (const before of [
          "2025-02-11T00:00:00Z",
          "2025-04-11T12:00:00Z",
          "2025-06-22T00:00:00Z",
          "2025-07-01T00:00:00Z",
        ]) {
          const touches = await listStageFileTouches(own.db, { config, stageId, before });
          const histories = buildFileHistories(touches, (path) => isStageSourceFile(config, stageId, path));
          const expected = stageKnowledge(histories);
          const knowledge = await getStageKnowledge(own.db, { config, stageId, before });
          expect({
            ...knowledge,
            authors: knowledge.authors.map((a) => ({ personId: a.id, files: a.files })),
          }).toEqual({ ...expected, files: histories.map((h) => h.path) });
          expect(histories.length).toBeGreaterThan(0);
        }
        // The history did rename files into the stage from outside it.
        const touches = await listStageFileTouches(own.db, { config, stageId, before: "2026-01-01T00:00:00Z" });
        expect(touches.some((t) => t.previousPath?.startsWith("Python/old_") && t.status === "R")).toBe(true);
      }
    } finally {
      await own.close();
    }
  });
  it("reads a stage's file events through their own index, not through every change to its files", async () => {
    const own = await createTestDatabase();
    try {
      await store(own.db, config, randomHistory(11, 200));
      // The statements getStageKnowledge sends, compiled as the database receives them.
      const sent: CompiledQuery[] = [];
      const recorder: KyselyPlugin = {
        transformQuery: ({ node }) => {
          sent.push(own.db.getExecutor().compileQuery(node, createQueryId()));
          return node;
        },
        transformResult: async ({ result }) => result,
      };
      await getStageKnowledge(own.db.withPlugin(recorder), {
        config,
        stageId: "middle-end",
        before: "2026-01-01T00:00:00Z",
      });
      const events = sent.filter((query) => query.sql.includes("in ('A', 'C', 'D')"));
      expect(events.length).toBeGreaterThan(0);
      for (const query of events) {
        const plan = await own.db.transaction().execute(async (trx) => {
          // With statistics, as a database in use has them; PostgreSQL would rather read these few rows
          // of a test's tables one after another than through any index.
          await sql`analyze`.execute(trx);
          if (!onSqlite) await sql`set local enable_seqscan = off`.execute(trx);
          const explain = onSqlite ? "explain query plan " : "explain ";
          const { rows } = await trx.executeQuery(CompiledQuery.raw(explain + query.sql, [...query.parameters]));
          return JSON.stringify(rows);
        });
        expect(plan).toContain("contribution_files_path_event");
      }
    } finally {
      await own.close();
    }
  });
});
