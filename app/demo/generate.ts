import type { NewContribution } from "../models/contribution.server";
import type { FileChange } from "../stewardship/classify";
import type { PersonIdentity } from "../stewardship/identity";
import { isoSeconds } from "../stewardship/dates";
import { addDays } from "../stewardship/metrics";
import { crowd, demoPeople } from "./cast";
import type { StarterTask } from "../stewardship/starter-tasks";
import { seededRandom } from "./seeded-random";
import {
  backendPaths,
  backendTitles,
  frontendTitles,
  middleEndPaths,
  middleEndTitles,
  otherPaths,
  otherTitles,
  popTopUops,
  refcountUops,
} from "./work";

export { demoPeople } from "./cast";

/**
 * The demo data set: fictional people, real CPython JIT paths, about two years of history ending on
 * the anchor date, and a story worth looking at —
 * - middle-end: Mira maintains it alone at first; three newcomers arrive through refcount-elimination
 *   starter tasks (gh-134584) and each becomes a maintainer: 1 → 4;
 * - backend: Hana and Diego hold it at 2 throughout;
 * - frontend: Kai and Elena maintain it until Elena steps away; Kai alone now: at risk;
 * - noise: other people's non-JIT work, shared-only edits, regenerate-only commits, a 300-file C-API
 *   sweep that grazes the middle-end, bot backports and co-authored commits, none of which count.
 */
export type DemoStarterTask = Omit<StarterTask<PersonIdentity>, "claimKind" | "claimedAt"> & {
  claimedAt?: string | null;
};

export interface DemoData {
  contributions: NewContribution[];
  starterTasks: DemoStarterTask[];
  /** Pull requests still open on the anchor date: where a learner reviewer is suggested. */
  openPullRequests: NewContribution[];
  /** The repository's CODEOWNERS: declared owners that have drifted from who does the work. */
  codeowners: string;
}

export const DEMO_SEED = 20260317;

interface NewCommit {
  daysAgo: number;
  title: string;
  author: PersonIdentity;
  files: FileChange[];
  /** The issue the subject names; a fresh one when not given. */
  issue?: number;
  coAuthors?: PersonIdentity[];
  /** How long its PR was open before it merged; a day or two by default. */
  openHours?: number;
}

/** A refcount checklist item merged in the history: its starter task is done. */
interface RefcountItemDone {
  uop: string;
  who: PersonIdentity;
  pr: number;
  daysAgo: number;
}

/**
 * The history being written: one seeded random sequence, so every story must draw from it in the
 * same order for the demo to stay the same for a seed.
 */
class DemoHistory {
  readonly contributions: NewContribution[] = [];
  readonly random: () => number;
  nextIssue = 128_000;
  nextPr = 129_000;

  constructor(
    seed: number,
    private readonly anchorDate: string,
  ) {
    this.random = seededRandom(seed);
  }

  lines(most: number): number {
    return 1 + Math.floor(this.random() * most);
  }

  pick<T>(items: readonly T[]): T | undefined {
    return items[Math.floor(this.random() * items.length)];
  }

  /** A working-hours timestamp `daysAgo` days before the anchor date. */
  at(daysAgo: number): string {
    const day = addDays(this.anchorDate, -Math.max(0, Math.round(daysAgo)));
    const hour = String(7 + Math.floor(this.random() * 14)).padStart(2, "0");
    const minute = String(Math.floor(this.random() * 60)).padStart(2, "0");
    return `${day}T${hour}:${minute}:00Z`;
  }

  sha(): string {
    return Array.from({ length: 40 }, () => Math.floor(this.random() * 16).toString(16)).join("");
  }

  /** Adds a squash-merged commit in CPython's `gh-N: subject (#PR)` style and returns its PR number. */
  add(commit: NewCommit): number {
    const issue = commit.issue ?? this.nextIssue++;
    const pr = this.nextPr++;
    const occurredAt = this.at(commit.daysAgo);
    // Drawn from the PR number, not the random sequence, so the rest of the demo stays as it was.
    const openHours = commit.openHours ?? 20 + ((pr * 7) % 48);
    this.contributions.push({
      kind: "commit",
      source: "demo",
      sha: this.sha(),
      prNumber: pr,
      title: `gh-${issue}: ${commit.title} (#${pr})`,
      occurredAt,
      openedAt: isoSeconds(Date.parse(occurredAt) - openHours * 3_600_000),
      refs: [issue],
      labels: [],
      files: commit.files,
      people: [
        { identity: commit.author, role: "author" },
        ...(commit.coAuthors ?? []).map((identity) => ({ identity, role: "co-author" as const })),
      ],
    });
    return pr;
  }

  /** Regular work by one person from `fromDaysAgo` to `toDaysAgo`, about every `every` days. */
  steady(
    who: PersonIdentity,
    fromDaysAgo: number,
    toDaysAgo: number,
    every: number,
    make: () => { title: string; files: FileChange[] },
  ): void {
    for (let d = fromDaysAgo; d >= toDaysAgo; d -= every * (0.7 + this.random() * 0.6)) {
      const { title, files } = make();
      this.add({ daysAgo: d, title, author: who, files });
    }
  }

  news(issue: number): FileChange {
    return { path: `Misc/NEWS.d/next/Core_and_Builtins/${issue}.rst`, added: 2, deleted: 0 };
  }

  refcountFiles(): FileChange[] {
    return [
      { path: "Python/bytecodes.c", added: this.lines(20), deleted: this.lines(12) },
      { path: "Python/optimizer_bytecodes.c", added: this.lines(15), deleted: this.lines(4) },
      { path: "Python/optimizer_cases.c.h", added: this.lines(40), deleted: this.lines(20) },
      { path: "Python/executor_cases.c.h", added: this.lines(40), deleted: this.lines(30) },
      { path: "Lib/test/test_capi/test_opt.py", added: this.lines(30), deleted: 0 },
      this.news(134584),
    ];
  }

  middleEndWork(): { title: string; files: FileChange[] } {
    return {
      title: this.pick(middleEndTitles) ?? "Optimizer work",
      files: [
        {
          path: this.pick(middleEndPaths) ?? "Python/optimizer_analysis.c",
          added: this.lines(80),
          deleted: this.lines(30),
        },
        { path: "Lib/test/test_capi/test_opt.py", added: this.lines(25), deleted: this.lines(5) },
      ],
    };
  }

  backendFiles(): FileChange[] {
    return [
      { path: this.pick(backendPaths) ?? "Python/jit.c", added: this.lines(90), deleted: this.lines(40) },
      { path: "Tools/jit/template.c", added: this.lines(10), deleted: this.lines(5) },
    ];
  }

  frontendFiles(): FileChange[] {
    return [
      { path: "Python/optimizer.c", added: this.lines(70), deleted: this.lines(25) },
      { path: "Python/bytecodes.c", added: this.lines(10), deleted: this.lines(5) },
    ];
  }
}

/**
 * Middle-end: Mira throughout. Each item of gh-134584 is one starter task; three newcomers take them
 * in turn, then keep working on the optimizer. Returns the checklist items merged.
 */
function middleEndStory(history: DemoHistory): RefcountItemDone[] {
  history.steady(demoPeople.mira, 760, 3, 28, () => history.middleEndWork());

  const done: RefcountItemDone[] = [];
  const newcomer = (who: PersonIdentity, startDaysAgo: number, uops: string[], mentor: PersonIdentity) => {
    uops.forEach((uop, i) => {
      const daysAgo = startDaysAgo - i * 40;
      const pr = history.add({
        daysAgo,
        title: `Eliminate redundant refcounting from ${uop}`,
        author: who,
        files: history.refcountFiles(),
        issue: 134584,
        coAuthors: i === 0 ? [mentor] : [],
        // A newcomer's first PR waits longer: a mentor co-authors it over a week or so.
        openHours: i === 0 ? 9 * 24 : undefined,
      });
      done.push({ uop, who, pr, daysAgo });
    });
    // After the starter tasks, regular optimizer work up to today.
    history.steady(who, startDaysAgo - uops.length * 40 - 30, 5, 35, () => history.middleEndWork());
  };
  newcomer(demoPeople.tomasz, 600, refcountUops.slice(0, 2), demoPeople.mira);
  newcomer(demoPeople.priya, 400, refcountUops.slice(2, 4), demoPeople.mira);
  newcomer(demoPeople.lucas, 250, refcountUops.slice(4, 6), demoPeople.tomasz);
  const miraItem = refcountUops[6] ?? "_CONTAINS_OP_DICT";
  done.push({
    uop: miraItem,
    who: demoPeople.mira,
    daysAgo: 90,
    pr: history.add({
      daysAgo: 90,
      title: `Eliminate redundant refcounting from ${miraItem}`,
      author: demoPeople.mira,
      files: history.refcountFiles(),
      issue: 134584,
    }),
  });
  return done;
}

/** Backend: Hana and Diego throughout; Noor drops in once a year, never enough to count. */
function backendStory(history: DemoHistory): void {
  const work = () => ({ title: history.pick(backendTitles) ?? "JIT work", files: history.backendFiles() });
  history.steady(demoPeople.hana, 760, 4, 30, work);
  history.steady(demoPeople.diego, 745, 8, 32, work);
  for (const d of [600, 330, 40])
    history.add({
      daysAgo: d,
      title: "Fix the JIT build on FreeBSD",
      author: demoPeople.noor,
      files: history.backendFiles(),
    });
}

/** Frontend: Kai throughout, Elena until she steps away about ten months ago; Sam is new. */
function frontendStory(history: DemoHistory): void {
  const work = () => ({ title: history.pick(frontendTitles) ?? "Tracing work", files: history.frontendFiles() });
  history.steady(demoPeople.kai, 755, 6, 30, work);
  history.steady(demoPeople.elena, 750, 300, 30, work);
  history.add({
    daysAgo: 35,
    title: "Document the trace recorder's exit reasons",
    author: demoPeople.sam,
    files: history.frontendFiles(),
  });
}

/** The rest of CPython by many hands, a few of them co-authored. */
function restOfCPython(history: DemoHistory): void {
  const { random } = history;
  for (let i = 0; i < 1800; i++) {
    const who = crowd[Math.floor(crowd.length * random() ** 2)] ?? crowd[0];
    if (!who) break;
    const path = history.pick(otherPaths) ?? "Lib/os.py";
    const module = path.split("/").at(-1)?.replace(/\..*$/, "") ?? "os";
    const files: FileChange[] = [{ path, added: history.lines(60), deleted: history.lines(30) }];
    if (random() < 0.5) files.push(history.news(history.nextIssue));
    history.add({
      daysAgo: random() * 730,
      title: `${history.pick(otherTitles) ?? "Fix"} ${module}`,
      author: who,
      files,
      coAuthors: random() < 0.05 ? [crowd[Math.floor(random() * crowd.length)] ?? who] : [],
    });
  }
}

/**
 * JIT-relevant work that earns no stage: shared-only edits, and regenerate-only commits, some naming
 * the refcount umbrella.
 */
function unplacedJitWork(history: DemoHistory): void {
  const { random } = history;
  const twoFiles = (first: string, second: string, most: [number, number]): FileChange[] => [
    { path: first, added: history.lines(most[0]), deleted: history.lines(most[0]) },
    { path: second, added: history.lines(most[1]), deleted: history.lines(most[1]) },
  ];
  for (let i = 0; i < 30; i++) {
    history.add({
      // Who before when: the order of the random draws is part of the demo.
      author: crowd[Math.floor(random() * 8)] ?? demoPeople.greta,
      daysAgo: random() * 730,
      title: random() < 0.5 ? "Simplify the eval loop's error handling" : "Move a macro into ceval_macros.h",
      files: twoFiles("Python/ceval.c", "Python/ceval_macros.h", [30, 8]),
    });
  }
  for (let i = 0; i < 12; i++) {
    history.add({
      daysAgo: random() * 700,
      title: "Regenerate the cases files",
      author: crowd[Math.floor(random() * 5)] ?? demoPeople.greta,
      issue: i % 3 === 0 ? 134584 : undefined,
      files: twoFiles("Python/optimizer_cases.c.h", "Python/executor_cases.c.h", [200, 200]),
    });
  }
}

/** Two repository-wide sweeps that graze the middle-end. */
function sweeps(history: DemoHistory): void {
  for (const daysAgo of [420, 60]) {
    history.add({
      daysAgo,
      title: "Rename the private _Py_IsImmortal helpers across the tree",
      author: demoPeople.greta,
      files: [
        ...Array.from({ length: 299 }, (_, i) => ({
          path: otherPaths[i % otherPaths.length]?.replace(/(\.\w+)$/, `_${i}$1`) ?? `Modules/m${i}.c`,
          added: 2,
          deleted: 2,
        })),
        { path: "Python/optimizer_analysis.c", added: 2, deleted: 2 },
      ],
    });
  }
}

/** Bot backports of the refcount work: a bot, never counted as a person. */
function botBackports(history: DemoHistory, refcountDone: RefcountItemDone[]): void {
  for (const done of refcountDone) {
    history.add({
      daysAgo: done.daysAgo - 2,
      title: `[3.14] Eliminate redundant refcounting from ${done.uop} (GH-${done.pr})`,
      author: demoPeople.bot,
      files: history.refcountFiles(),
      issue: 134584,
    });
  }
}

type TaskProgress = Pick<DemoStarterTask, "state" | "claimedBy" | "claimEvidence" | "claimedAt">;

/** One item of a middle-end umbrella issue's checklist, as a starter task. */
function checklistTask(umbrella: number, index: number, title: string, progress: TaskProgress, updatedAt: string) {
  return {
    key: `${umbrella}#${index + 1}`,
    stageId: "middle-end",
    issueNumber: umbrella,
    umbrellaNumber: umbrella,
    title,
    ...progress,
    labels: [],
    updatedAt,
  } satisfies DemoStarterTask;
}

/** gh-134584's checklist: done where the history merged it, two claimed (a comment, an open PR), the rest free. */
function refcountTasks(history: DemoHistory, refcountDone: RefcountItemDone[], anchorDate: string, updatedAt: string) {
  return refcountUops.map((uop, i) => {
    const done = refcountDone.find((d) => d.uop === uop);
    const claim =
      uop === refcountUops[7]
        ? {
            who: demoPeople.sam,
            evidence: `claimed in a comment on ${addDays(anchorDate, -12)}`,
            at: `${addDays(anchorDate, -12)}T10:00:00Z`,
          }
        : uop === refcountUops[8]
          ? { who: demoPeople.ana, evidence: `open PR #${history.nextPr++} references the item`, at: null }
          : null;
    return checklistTask(
      134584,
      i,
      `Eliminate redundant refcounting from ${uop}`,
      {
        state: done ? "done" : "open",
        claimedBy: done ? done.who : (claim?.who ?? null),
        claimEvidence: done ? `merged in #${done.pr}` : (claim?.evidence ?? null),
        claimedAt: done ? null : (claim?.at ?? null),
      },
      updatedAt,
    );
  });
}

/** gh-145866's checklist: one done, one claimed in a comment, two free. */
function popTopTasks(anchorDate: string, updatedAt: string) {
  return popTopUops.map((uop, i) =>
    checklistTask(
      145866,
      i,
      `Leave the inputs of ${uop} on the stack for _POP_TOP`,
      {
        state: i === 0 ? "done" : "open",
        claimedBy: i === 0 ? demoPeople.priya : i === 1 ? demoPeople.lucas : null,
        claimEvidence: i === 0 ? "merged" : i === 1 ? `claimed in a comment on ${addDays(anchorDate, -5)}` : null,
        claimedAt: i === 1 ? `${addDays(anchorDate, -5)}T10:00:00Z` : null,
      },
      updatedAt,
    ),
  );
}

/** Issues labelled as starter tasks, outside any umbrella. */
function labelledTasks(updatedAt: string): DemoStarterTask[] {
  return [
    {
      key: "146201",
      stageId: "frontend",
      issueNumber: 146201,
      umbrellaNumber: null,
      title: "Document the trace recorder's warm-up thresholds in InternalDocs/jit.md",
      state: "open",
      claimedBy: null,
      claimEvidence: null,
      labels: ["easy", "docs"],
      updatedAt,
    },
    {
      key: "146388",
      stageId: "frontend",
      issueNumber: 146388,
      umbrellaNumber: null,
      title: "Add a test for traces that end in a side exit",
      state: "open",
      claimedBy: null,
      claimEvidence: null,
      labels: ["good first issue", "tests"],
      updatedAt,
    },
    {
      key: "146410",
      stageId: "backend",
      issueNumber: 146410,
      umbrellaNumber: null,
      title: "Check stencil alignment on AArch64 in test_jit",
      state: "open",
      claimedBy: demoPeople.noor,
      claimEvidence: "assigned",
      labels: ["easy", "topic-JIT"],
      updatedAt,
    },
    {
      key: "146455",
      stageId: "backend",
      issueNumber: 146455,
      umbrellaNumber: null,
      title: "Print the stencil sizes in the JIT build's verbose output",
      state: "open",
      claimedBy: null,
      claimEvidence: null,
      labels: ["good first issue", "topic-JIT"],
      updatedAt,
    },
  ];
}

/** Builds the whole demo for an anchor date (YYYY-MM-DD), deterministically from `seed`. */
export function generateDemo({ seed = DEMO_SEED, anchorDate }: { seed?: number; anchorDate: string }): DemoData {
  const history = new DemoHistory(seed, anchorDate);
  const refcountDone = middleEndStory(history);
  backendStory(history);
  frontendStory(history);
  restOfCPython(history);
  unplacedJitWork(history);
  sweeps(history);
  botBackports(history, refcountDone);
  const contributions = history.contributions.sort((a, b) =>
    a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0,
  );

  const updatedAt = `${anchorDate}T00:00:00Z`;
  const starterTasks: DemoStarterTask[] = [
    ...refcountTasks(history, refcountDone, anchorDate, updatedAt),
    ...popTopTasks(anchorDate, updatedAt),
    ...labelledTasks(updatedAt),
  ];
  // refcountTasks named Ana's open PR for her claimed item with the last PR number it drew.
  const anaPr = history.nextPr - 1;
  return {
    contributions,
    starterTasks,
    openPullRequests: openPullRequests(anchorDate, anaPr),
    codeowners: demoCodeowners,
  };
}

/**
 * A newcomer's open frontend PR (Kai maintains the frontend alone: Sam, on the way, is suggested as a
 * learner reviewer) and Ana's open PR for her claimed refcount item (the middle-end has maintainers to spare).
 * Drawn from no random sequence, so the history stays the same.
 */
function openPullRequests(anchorDate: string, anaPr: number): NewContribution[] {
  const open = (pr: number, title: string, author: PersonIdentity, path: string, daysAgo: number) => ({
    kind: "pull_request" as const,
    source: "demo" as const,
    sha: null,
    prNumber: pr,
    prState: "open" as const,
    title,
    occurredAt: `${addDays(anchorDate, -daysAgo)}T09:30:00Z`,
    refs: [],
    labels: [],
    files: [{ path, added: 42, deleted: 7 }],
    people: [{ identity: author, role: "author" as const }],
  });
  return [
    open(139_901, "gh-139900: Record why a trace stopped at a side exit", demoPeople.lior, "Python/optimizer.c", 3),
    open(
      anaPr,
      `gh-134584: Eliminate redundant refcounting from ${refcountUops[8] ?? "_UNPACK_SEQUENCE_TWO_TUPLE"}`,
      demoPeople.ana,
      "Python/optimizer_bytecodes.c",
      6,
    ),
  ];
}

// Elena stepped away but is still declared; Diego and the middle-end's newcomers do the work undeclared.
const demoCodeowners = `# Who the repository asks for reviews (the demo's; fictional).
Python/optimizer.c            @klindqvist @epetrova
Python/optimizer_*.c          @mokafor
Python/jit.c                  @hsato
Tools/jit/                    @hsato @nhaddad
Tools/cases_generator/        @mokafor
`;
