import type { NewContribution } from "../models/contribution.server";
import type { FileChange } from "../stewardship/classify";
import type { PersonIdentity } from "../stewardship/identity";
import { addDays } from "../stewardship/metrics";
import type { StarterTask } from "../stewardship/starter-tasks";
import { seededRandom } from "./seeded-random";

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
}

export const DEMO_SEED = 20260317;

const person = (name: string, login: string): PersonIdentity => ({
  name,
  login,
  email: `${login}@users.noreply.github.com`,
});

export const demoPeople = {
  mira: person("Mira Okafor", "mokafor"),
  tomasz: person("Tomasz Wren", "twren"),
  priya: person("Priya Raman", "praman"),
  lucas: person("Lucas Ferreira", "lferreira"),
  hana: person("Hana Sato", "hsato"),
  diego: person("Diego Alvarez", "dalvarez"),
  noor: person("Noor Haddad", "nhaddad"),
  kai: person("Kai Lindqvist", "klindqvist"),
  elena: person("Elena Petrova", "epetrova"),
  sam: person("Sam Okoro", "sokoro"),
  ana: person("Ana Costa", "acosta"),
  greta: person("Greta Lindholm", "glindholm"),
  bot: { name: "Miss Islington (bot)", email: "31488909+miss-islington@users.noreply.github.com" },
} satisfies Record<string, PersonIdentity>;

const noiseFirst = [
  "Aiko",
  "Bram",
  "Chloé",
  "Dev",
  "Efua",
  "Femi",
  "Gil",
  "Ines",
  "Jonas",
  "Kiri",
  "Lena",
  "Mateo",
  "Nia",
  "Omar",
  "Pia",
  "Quinn",
  "Rosa",
  "Sven",
  "Tara",
  "Umar",
  "Vera",
  "Wim",
  "Xia",
  "Yusuf",
  "Zoe",
];
const noiseLast = [
  "Abara",
  "Berg",
  "Castel",
  "Dahl",
  "Evers",
  "Fonseca",
  "Gupta",
  "Holm",
  "Iwata",
  "Jansen",
  "Kowal",
  "Lund",
  "Moreau",
  "Nagy",
  "Ortiz",
  "Park",
  "Quist",
  "Rossi",
  "Silva",
  "Tanaka",
];

const otherPaths = [
  "Objects/listobject.c",
  "Objects/dictobject.c",
  "Objects/typeobject.c",
  "Objects/unicodeobject.c",
  "Lib/asyncio/tasks.py",
  "Lib/pathlib/_local.py",
  "Lib/test/test_asyncio/test_tasks.py",
  "Lib/test/test_pathlib/test_pathlib.py",
  "Lib/typing.py",
  "Lib/test/test_typing.py",
  "Modules/_io/bufferedio.c",
  "Modules/_json.c",
  "Modules/posixmodule.c",
  "Doc/library/asyncio-task.rst",
  "Doc/whatsnew/3.15.rst",
  "Lib/enum.py",
  "Lib/test/test_enum.py",
  "Python/compile.c",
  "Python/codegen.c",
  "Parser/parser.c",
  "Lib/dataclasses.py",
  "Lib/test/test_dataclasses/__init__.py",
  "Tools/build/generate_global_objects.py",
  "PCbuild/pythoncore.vcxproj",
  "Makefile.pre.in",
  "configure.ac",
];

const refcountUops = [
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

const popTopUops = ["_STORE_ATTR_INSTANCE_VALUE", "_CALL_ISINSTANCE", "_BINARY_OP_SUBSCR_DICT", "_CALL_LIST_APPEND"];

const lines = (random: () => number, most: number) => 1 + Math.floor(random() * most);

/** Builds the whole demo for an anchor date (YYYY-MM-DD), deterministically from `seed`. */
export function generateDemo({ seed = DEMO_SEED, anchorDate }: { seed?: number; anchorDate: string }): DemoData {
  const random = seededRandom(seed);
  const contributions: NewContribution[] = [];
  const starterTasks: DemoStarterTask[] = [];
  let nextIssue = 128_000;
  let nextPr = 129_000;

  const at = (daysAgo: number) => {
    const day = addDays(anchorDate, -Math.max(0, Math.round(daysAgo)));
    const hour = String(7 + Math.floor(random() * 14)).padStart(2, "0");
    const minute = String(Math.floor(random() * 60)).padStart(2, "0");
    return `${day}T${hour}:${minute}:00Z`;
  };
  const sha = () => Array.from({ length: 40 }, () => Math.floor(random() * 16).toString(16)).join("");

  const add = (options: {
    daysAgo: number;
    title: string;
    author: PersonIdentity;
    files: FileChange[];
    issue?: number;
    coAuthors?: PersonIdentity[];
  }) => {
    const issue = options.issue ?? nextIssue++;
    const pr = nextPr++;
    contributions.push({
      kind: "commit",
      source: "demo",
      sha: sha(),
      prNumber: pr,
      title: `gh-${issue}: ${options.title} (#${pr})`,
      occurredAt: at(options.daysAgo),
      refs: [issue],
      labels: [],
      files: options.files,
      people: [
        { identity: options.author, role: "author" },
        ...(options.coAuthors ?? []).map((identity) => ({ identity, role: "co-author" as const })),
      ],
    });
    return pr;
  };

  const news = (issue: number): FileChange => ({
    path: `Misc/NEWS.d/next/Core_and_Builtins/${issue}.rst`,
    added: 2,
    deleted: 0,
  });

  const refcountFiles = (): FileChange[] => [
    { path: "Python/bytecodes.c", added: lines(random, 20), deleted: lines(random, 12) },
    { path: "Python/optimizer_bytecodes.c", added: lines(random, 15), deleted: lines(random, 4) },
    { path: "Python/optimizer_cases.c.h", added: lines(random, 40), deleted: lines(random, 20) },
    { path: "Python/executor_cases.c.h", added: lines(random, 40), deleted: lines(random, 30) },
    { path: "Lib/test/test_capi/test_opt.py", added: lines(random, 30), deleted: 0 },
    news(134584),
  ];
  const middleEndFiles = (): FileChange[] => {
    const main = ["Python/optimizer_analysis.c", "Python/optimizer_symbols.c", "Python/optimizer_bytecodes.c"];
    return [
      {
        path: main[Math.floor(random() * main.length)] ?? "Python/optimizer_analysis.c",
        added: lines(random, 80),
        deleted: lines(random, 30),
      },
      { path: "Lib/test/test_capi/test_opt.py", added: lines(random, 25), deleted: lines(random, 5) },
    ];
  };
  const backendFiles = (): FileChange[] => {
    const main = [
      "Python/jit.c",
      "Tools/jit/_stencils.py",
      "Tools/jit/_targets.py",
      "Tools/jit/_optimizers.py",
      "Include/internal/pycore_jit.h",
    ];
    return [
      {
        path: main[Math.floor(random() * main.length)] ?? "Python/jit.c",
        added: lines(random, 90),
        deleted: lines(random, 40),
      },
      { path: "Tools/jit/template.c", added: lines(random, 10), deleted: lines(random, 5) },
    ];
  };
  const frontendFiles = (): FileChange[] => [
    { path: "Python/optimizer.c", added: lines(random, 70), deleted: lines(random, 25) },
    { path: "Python/bytecodes.c", added: lines(random, 10), deleted: lines(random, 5) },
  ];

  /** Regular work by one person from `fromDaysAgo` to `toDaysAgo`, about every `every` days. */
  const steady = (
    who: PersonIdentity,
    fromDaysAgo: number,
    toDaysAgo: number,
    every: number,
    make: () => { title: string; files: FileChange[] },
  ) => {
    for (let d = fromDaysAgo; d >= toDaysAgo; d -= every * (0.7 + random() * 0.6)) {
      const { title, files } = make();
      add({ daysAgo: d, title, author: who, files });
    }
  };

  // Middle-end: Mira throughout.
  const middleTitles = [
    "Propagate constants through _TO_BOOL",
    "Narrow types after _GUARD_TYPE_VERSION",
    "Track tuple lengths in the symbol lattice",
    "Remove redundant guards after _CHECK_VALIDITY",
    "Fold _BINARY_OP on known ints",
    "Teach the optimizer about frozenset",
  ];
  steady(demoPeople.mira, 760, 3, 28, () => ({
    title: middleTitles[Math.floor(random() * middleTitles.length)] ?? "Optimizer work",
    files: middleEndFiles(),
  }));

  // The refcount track: each item of gh-134584 is one starter task; newcomers take them in turn.
  const refcountDone: Array<{ uop: string; who: PersonIdentity; pr: number; daysAgo: number }> = [];
  const newcomer = (who: PersonIdentity, startDaysAgo: number, tasks: string[], mentor: PersonIdentity) => {
    tasks.forEach((uop, i) => {
      const daysAgo = startDaysAgo - i * 40;
      const pr = add({
        daysAgo,
        title: `Eliminate redundant refcounting from ${uop}`,
        author: who,
        files: refcountFiles(),
        issue: 134584,
        coAuthors: i === 0 ? [mentor] : [],
      });
      refcountDone.push({ uop, who, pr, daysAgo });
    });
    // After the starter tasks, regular optimizer work up to today.
    steady(who, startDaysAgo - tasks.length * 40 - 30, 5, 35, () => ({
      title: middleTitles[Math.floor(random() * middleTitles.length)] ?? "Optimizer work",
      files: middleEndFiles(),
    }));
  };
  newcomer(demoPeople.tomasz, 600, refcountUops.slice(0, 2), demoPeople.mira);
  newcomer(demoPeople.priya, 400, refcountUops.slice(2, 4), demoPeople.mira);
  newcomer(demoPeople.lucas, 250, refcountUops.slice(4, 6), demoPeople.tomasz);
  const miraItem = refcountUops[6] ?? "_CONTAINS_OP_DICT";
  refcountDone.push({
    uop: miraItem,
    who: demoPeople.mira,
    daysAgo: 90,
    pr: add({
      daysAgo: 90,
      title: `Eliminate redundant refcounting from ${miraItem}`,
      author: demoPeople.mira,
      files: refcountFiles(),
      issue: 134584,
    }),
  });

  // Backend: Hana and Diego throughout; Noor drops in once a year, never enough to count.
  const backendTitles = [
    "Emit smaller trampolines on AArch64",
    "Use LLVM 20 for stencils",
    "Share the GOT between stencils",
    "Fix unwind info for JIT frames on Windows",
    "Align hot stencils to cache lines",
  ];
  const backendWork = () => ({
    title: backendTitles[Math.floor(random() * backendTitles.length)] ?? "JIT work",
    files: backendFiles(),
  });
  steady(demoPeople.hana, 760, 4, 30, backendWork);
  steady(demoPeople.diego, 745, 8, 32, backendWork);
  for (const d of [600, 330, 40])
    add({ daysAgo: d, title: "Fix the JIT build on FreeBSD", author: demoPeople.noor, files: backendFiles() });

  // Frontend: Kai throughout, Elena until she steps away about ten months ago; Sam is new.
  const frontendTitles = [
    "Record traces through generator frames",
    "Tune the warm-up counters",
    "Stop tracing at unsupported opcodes",
    "Create executors for side exits lazily",
  ];
  const frontendWork = () => ({
    title: frontendTitles[Math.floor(random() * frontendTitles.length)] ?? "Tracing work",
    files: frontendFiles(),
  });
  steady(demoPeople.kai, 755, 6, 30, frontendWork);
  steady(demoPeople.elena, 750, 300, 30, frontendWork);
  add({
    daysAgo: 35,
    title: "Document the trace recorder's exit reasons",
    author: demoPeople.sam,
    files: frontendFiles(),
  });

  // Noise: the rest of CPython by many hands.
  const crowd = Array.from({ length: 40 }, (_, i) => {
    const first = noiseFirst[i % noiseFirst.length] ?? "Alex";
    const last = noiseLast[(i * 7) % noiseLast.length] ?? "Smith";
    return {
      name: `${first} ${last}`,
      email: `${first
        .toLowerCase()
        .normalize("NFD")
        .replace(/[^a-z]/g, "")}.${last.toLowerCase()}@example.org`,
    };
  });
  const noiseTitles = [
    "Fix a reference leak",
    "Speed up",
    "Add tests for",
    "Document",
    "Deprecate an argument of",
    "Fix a crash in",
  ];
  for (let i = 0; i < 1800; i++) {
    const who = crowd[Math.floor(crowd.length * random() ** 2)] ?? crowd[0];
    if (!who) break;
    const path = otherPaths[Math.floor(random() * otherPaths.length)] ?? "Lib/os.py";
    const module = path.split("/").at(-1)?.replace(/\..*$/, "") ?? "os";
    const files: FileChange[] = [{ path, added: lines(random, 60), deleted: lines(random, 30) }];
    if (random() < 0.5) files.push(news(nextIssue));
    add({
      daysAgo: random() * 730,
      title: `${noiseTitles[Math.floor(random() * noiseTitles.length)] ?? "Fix"} ${module}`,
      author: who,
      files,
      coAuthors: random() < 0.05 ? [crowd[Math.floor(random() * crowd.length)] ?? who] : [],
    });
  }

  // Shared-only edits: JIT-relevant, no stage.
  for (let i = 0; i < 30; i++) {
    const who = crowd[Math.floor(random() * 8)] ?? demoPeople.greta;
    add({
      daysAgo: random() * 730,
      title: random() < 0.5 ? "Simplify the eval loop's error handling" : "Move a macro into ceval_macros.h",
      author: who,
      files: [
        { path: "Python/ceval.c", added: lines(random, 30), deleted: lines(random, 30) },
        { path: "Python/ceval_macros.h", added: lines(random, 8), deleted: lines(random, 8) },
      ],
    });
  }

  // Regenerate-only commits, some naming the refcount umbrella: they earn nothing.
  for (let i = 0; i < 12; i++) {
    add({
      daysAgo: random() * 700,
      title: "Regenerate the cases files",
      author: crowd[Math.floor(random() * 5)] ?? demoPeople.greta,
      issue: i % 3 === 0 ? 134584 : undefined,
      files: [
        { path: "Python/optimizer_cases.c.h", added: lines(random, 200), deleted: lines(random, 200) },
        { path: "Python/executor_cases.c.h", added: lines(random, 200), deleted: lines(random, 200) },
      ],
    });
  }

  // Two repository-wide sweeps that graze the middle-end.
  for (const daysAgo of [420, 60]) {
    add({
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

  // Bot backports of JIT work: labelled, never counted as a person.
  for (const done of refcountDone) {
    add({
      daysAgo: done.daysAgo - 2,
      title: `[3.14] Eliminate redundant refcounting from ${done.uop} (GH-${done.pr})`,
      author: demoPeople.bot,
      files: refcountFiles(),
      issue: 134584,
    });
  }

  contributions.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));

  // Starter tasks: the gh-134584 checklist (done, claimed, free), gh-145866, and labelled issues.
  const updatedAt = `${anchorDate}T00:00:00Z`;
  refcountUops.forEach((uop, i) => {
    const done = refcountDone.find((d) => d.uop === uop);
    const claim =
      uop === refcountUops[7]
        ? {
            who: demoPeople.sam,
            evidence: `claimed in a comment on ${addDays(anchorDate, -12)}`,
            at: `${addDays(anchorDate, -12)}T10:00:00Z`,
          }
        : uop === refcountUops[8]
          ? { who: demoPeople.ana, evidence: `open PR #${nextPr++} references the item`, at: null }
          : null;
    starterTasks.push({
      key: `134584#${i + 1}`,
      stageId: "middle-end",
      issueNumber: 134584,
      umbrellaNumber: 134584,
      title: `Eliminate redundant refcounting from ${uop}`,
      state: done ? "done" : "open",
      claimedBy: done ? done.who : (claim?.who ?? null),
      claimEvidence: done ? `merged in #${done.pr}` : (claim?.evidence ?? null),
      claimedAt: done ? null : (claim?.at ?? null),
      labels: [],
      updatedAt,
    });
  });
  popTopUops.forEach((uop, i) => {
    starterTasks.push({
      key: `145866#${i + 1}`,
      stageId: "middle-end",
      issueNumber: 145866,
      umbrellaNumber: 145866,
      title: `Leave the inputs of ${uop} on the stack for _POP_TOP`,
      state: i === 0 ? "done" : "open",
      claimedBy: i === 0 ? demoPeople.priya : i === 1 ? demoPeople.lucas : null,
      claimEvidence: i === 0 ? "merged" : i === 1 ? `claimed in a comment on ${addDays(anchorDate, -5)}` : null,
      claimedAt: i === 1 ? `${addDays(anchorDate, -5)}T10:00:00Z` : null,
      labels: [],
      updatedAt,
    });
  });
  starterTasks.push(
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
  );

  return { contributions, starterTasks };
}
