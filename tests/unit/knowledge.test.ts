import { describe, expect, it } from "vitest";
import { seededRandom } from "../../app/demo/seeded-random";
import {
  buildFileHistories,
  degreeOfAuthorship,
  fileAuthors,
  isFileEvent,
  isStageSourceFile,
  liveRuns,
  stageKnowledge,
  stagePathPrefixes,
  type FileHistory,
  type FileTouch,
} from "../../app/stewardship/knowledge";
import { defaultConfig } from "../support/db";

const config = defaultConfig();
const [ANA, BEN, CY, DEV] = [1, 2, 3, 4];

let nextId = 1;
function touch(
  day: string,
  path: string,
  authorIds: number[],
  status: FileTouch["status"] = "M",
  previousPath: string | null = null,
): FileTouch {
  return { contributionId: nextId++, occurredAt: `${day}T12:00:00Z`, path, previousPath, status, authorIds };
}

const history = (path: string, creatorIds: number[], deliveries: Array<[number, number]>): FileHistory => ({
  path,
  creatorIds,
  deliveries: new Map(deliveries),
  commits: deliveries.reduce((sum, [, n]) => sum + n, 0),
});

describe("degreeOfAuthorship", () => {
  it.each([
    // 3.293 + 1.098 + 0.164·1 − 0.321·ln 1
    { created: true, deliveries: 1, others: 0, expected: 4.555 },
    // 3.293 + 0.164·3 − 0.321·ln 2 = 3.785 − 0.2225
    { created: false, deliveries: 3, others: 1, expected: 3.5625 },
    // 3.293 + 1.098 + 0.164 − 0.321·ln 21 = 4.555 − 0.9773
    { created: true, deliveries: 1, others: 20, expected: 3.5777 },
    // one change among another person's one: just below the absolute threshold 3.293
    { created: false, deliveries: 1, others: 1, expected: 3.2345 },
  ])("created $created, $deliveries own commits, $others others' → $expected", ({ expected, ...input }) => {
    expect(degreeOfAuthorship(input)).toBeCloseTo(expected, 3);
  });
});

describe("fileAuthors", () => {
  it("keeps the creator as an author beside a frequent editor while their degree stays above 75% of the top", () => {
    // Ana 4.110, Ben 3.5625: 87% of Ana's
    expect(
      fileAuthors(
        history(
          "Python/optimizer_analysis.c",
          [ANA],
          [
            [ANA, 1],
            [BEN, 3],
          ],
        ),
      ),
    ).toEqual([ANA, BEN]);
  });

  it("drops the creator once someone else's 20 commits outweigh them (3.578 is 56% of 6.351)", () => {
    expect(
      fileAuthors(
        history(
          "Python/optimizer_analysis.c",
          [ANA],
          [
            [ANA, 1],
            [BEN, 20],
          ],
        ),
      ),
    ).toEqual([BEN]);
  });

  it("names nobody who made one change among others' when the history does not reach the file's creation", () => {
    // Ana 3.2345 and Ben 3.2345: each normalised 1, but below the absolute 3.293
    expect(
      fileAuthors(
        history(
          "Python/optimizer_symbols.c",
          [],
          [
            [ANA, 1],
            [BEN, 1],
          ],
        ),
      ),
    ).toEqual([]);
  });
});

describe("buildFileHistories", () => {
  const all = () => true;

  it("counts each author's commits and the creator, co-authors included once per commit", () => {
    const [file] = buildFileHistories(
      [
        touch("2025-01-02", "Python/jit.c", [ANA], "A"),
        touch("2025-01-03", "Python/jit.c", [BEN, CY]),
        touch("2025-01-04", "Python/jit.c", [BEN, BEN]),
      ],
      all,
    );
    expect(file).toEqual({
      path: "Python/jit.c",
      creatorIds: [ANA],
      deliveries: new Map([
        [ANA, 1],
        [BEN, 2],
        [CY, 1],
      ]),
      commits: 3,
    });
  });

  it("carries a file's history through a rename, forgets deleted files, and starts afresh on a re-addition", () => {
    const files = buildFileHistories(
      [
        touch("2025-01-02", "Python/tier2_redundancy_eliminator_bytecodes.c", [ANA], "A"),
        touch("2025-01-03", "Python/tier2_redundancy_eliminator_bytecodes.c", [BEN]),
        touch(
          "2025-02-01",
          "Python/optimizer_bytecodes.c",
          [CY],
          "R",
          "Python/tier2_redundancy_eliminator_bytecodes.c",
        ),
        touch("2025-02-02", "Tools/jit/build.py", [DEV], "A"),
        touch("2025-02-03", "Tools/jit/build.py", [DEV], "D"),
        touch("2025-02-04", "Python/jit.c", [ANA], "A"),
        touch("2025-02-05", "Python/jit.c", [ANA], "D"),
        touch("2025-02-06", "Python/jit.c", [BEN], "A"),
      ],
      all,
    );
    expect(files.map((f) => [f.path, f.creatorIds, f.commits])).toEqual([
      ["Python/jit.c", [BEN], 1],
      ["Python/optimizer_bytecodes.c", [ANA], 3],
    ]);
  });

  it("orders touches by time whatever order they come in, and keeps only the files asked for", () => {
    const files = buildFileHistories(
      [
        touch("2025-03-01", "Python/optimizer_cases.c.h", [BEN]),
        touch("2025-03-02", "Python/optimizer_analysis.c", [BEN]),
        touch("2025-03-01", "Python/optimizer_analysis.c", [ANA], "A"),
      ],
      (path) => isStageSourceFile(config, "middle-end", path),
    );
    expect(files.map((f) => [f.path, f.creatorIds])).toEqual([["Python/optimizer_analysis.c", [ANA]]]);
  });
});

/**
 * The model as first written, the reference for the runs: every change replayed one by one in time
 * order (a contribution's plain change to a path before its rename of that path away; several events of
 * one contribution by path).
 */
function replayEveryChange(touches: FileTouch[], keep: (path: string) => boolean): FileHistory[] {
  const ordered = [...touches].sort(
    (a, b) =>
      (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0) ||
      a.contributionId - b.contributionId ||
      Number(isFileEvent(a)) - Number(isFileEvent(b)) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  const files = new Map<string, FileHistory>();
  const fresh = (path: string, creatorIds: number[]): FileHistory => ({
    path,
    creatorIds,
    deliveries: new Map(),
    commits: 0,
  });
  for (const touch of ordered) {
    if (touch.status === "D") {
      files.delete(touch.path);
      continue;
    }
    let file: FileHistory | undefined;
    if (touch.status === "A" || touch.status === "C") file = fresh(touch.path, [...touch.authorIds]);
    else if (touch.previousPath !== null && touch.previousPath !== touch.path) {
      file = files.get(touch.previousPath);
      files.delete(touch.previousPath);
    } else file = files.get(touch.path);
    file ??= fresh(touch.path, []);
    file.path = touch.path;
    file.commits += 1;
    for (const personId of new Set(touch.authorIds))
      file.deliveries.set(personId, (file.deliveries.get(personId) ?? 0) + 1);
    files.set(touch.path, file);
  }
  return [...files.values()].filter((f) => keep(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** A random history over a few paths: additions, deletions, renames back and forth, copies, shared times. */
function randomTouches(seed: number, count: number): FileTouch[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const paths = [
    "Python/optimizer_analysis.c",
    "Python/optimizer_bytecodes.c",
    "Python/optimizer_symbols.c",
    "Python/tier2_redundancy_eliminator_bytecodes.c",
    "Lib/test/test_optimizer.py",
  ];
  const statuses: Array<FileTouch["status"]> = ["M", "M", "M", "M", null, "A", "D", "R", "R", "C"];
  const touches: FileTouch[] = [];
  // Contribution ids out of time order, as when a sync stores older PRs after newer commits.
  const ids = Array.from({ length: count }, (_, i) => i + 1).sort(() => random() - 0.5);
  for (const contributionId of ids) {
    const occurredAt = `2025-01-${String(1 + Math.floor(random() * 9)).padStart(2, "0")}T12:00:00Z`;
    const authors = [ANA, BEN, CY, DEV].filter(() => random() < 0.35);
    const changed = new Set<string>();
    for (let n = 1 + Math.floor(random() * 2); n > 0; n--) {
      const path = pick(paths);
      if (changed.has(path)) continue;
      changed.add(path);
      const status = pick(statuses);
      const previousPath = status === "R" || status === "C" || random() < 0.05 ? pick(paths) : null;
      touches.push({
        contributionId,
        occurredAt,
        path,
        previousPath,
        status,
        authorIds: [...authors, ...authors.slice(0, 1)],
      });
    }
  }
  return touches;
}

describe("buildFileHistories against every change replayed one by one", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])("agrees on random history %i", (seed) => {
    const touches = randomTouches(seed, 60);
    const keep = (path: string) => isStageSourceFile(config, "middle-end", path) || path.startsWith("Lib/");
    const expected = replayEveryChange(touches, keep);
    expect(buildFileHistories(touches, keep)).toEqual(expected);
    expect(stageKnowledge(buildFileHistories(touches, keep))).toEqual(stageKnowledge(expected));
    // The histories did meet events of every kind.
    const statuses = new Set(touches.filter(isFileEvent).map((t) => t.status));
    for (const status of ["A", "C", "D", "R"] as const) expect(statuses).toContain(status);
  });
});

describe("liveRuns", () => {
  const at = (day: string, contributionId: number) => ({ occurredAt: `${day}T12:00:00Z`, contributionId });
  it("counts a path after its last event and up to each rename away, and nothing an event discards", () => {
    nextId = 100;
    const events = [
      touch("2025-01-02", "Python/jit.c", [ANA], "A"), // 100
      touch("2025-01-05", "Python/jit.c", [BEN], "A"), // 101: what came before is discarded
      touch("2025-01-08", "Python/executor.c", [CY], "R", "Python/jit.c"), // 102: the file moves on
      touch("2025-01-09", "Tools/jit/build.py", [DEV], "D"), // 103
    ];
    expect(liveRuns(events)).toEqual([
      { path: "Python/jit.c", after: at("2025-01-05", 101), through: at("2025-01-08", 102) },
      { path: "Python/jit.c", after: at("2025-01-08", 102), through: null },
      { path: "Python/executor.c", after: at("2025-01-08", 102), through: null },
      { path: "Tools/jit/build.py", after: at("2025-01-09", 103), through: null },
    ]);
  });
});

describe("stageKnowledge (truck factor)", () => {
  it("removes the top authors until more than half the files have no author left", () => {
    const knowledge = stageKnowledge([
      history("Python/optimizer_analysis.c", [ANA], [[ANA, 1]]), // Ana
      history(
        "Python/optimizer_bytecodes.c",
        [ANA],
        [
          [ANA, 1],
          [BEN, 3],
        ],
      ), // Ana, Ben
      history("Python/optimizer_symbols.c", [BEN], [[BEN, 2]]), // Ben
      history("Tools/cases_generator/optimizer_generator.py", [CY], [[CY, 1]]), // Cy
    ]);
    // Ana and Ben author 2 files each (Ana first: fewer id); without Ana 1 of 4 is orphaned, without
    // both 3 of 4 are: more than half.
    expect(knowledge).toMatchObject({ fileCount: 4, unauthoredFiles: 0, truckFactor: 2, orphanedWithoutKeyPeople: 3 });
    expect(knowledge.authors).toEqual([
      { personId: ANA, files: ["Python/optimizer_analysis.c", "Python/optimizer_bytecodes.c"] },
      { personId: BEN, files: ["Python/optimizer_bytecodes.c", "Python/optimizer_symbols.c"] },
      { personId: CY, files: ["Tools/cases_generator/optimizer_generator.py"] },
    ]);
  });

  it("is 1 when one person authors most of the files, and exactly half orphaned is not yet enough", () => {
    expect(
      stageKnowledge([
        history("Python/jit.c", [ANA], [[ANA, 1]]),
        history("Tools/jit/build.py", [ANA], [[ANA, 1]]),
        history("Tools/jit/_targets.py", [BEN], [[BEN, 1]]),
        history("Python/executor.c", [CY], [[CY, 1]]),
      ]).truckFactor,
    ).toBe(2); // without Ana 2 of 4 (half) are orphaned: Ben goes next
    expect(
      stageKnowledge([
        history("Python/jit.c", [ANA], [[ANA, 1]]),
        history("Tools/jit/build.py", [ANA], [[ANA, 1]]),
        history("Tools/jit/_targets.py", [ANA], [[ANA, 1]]),
        history("Python/executor.c", [CY], [[CY, 1]]),
      ]).truckFactor,
    ).toBe(1);
  });

  it("is 0 for no files, and when half the files have no author to begin with", () => {
    expect(stageKnowledge([]).truckFactor).toBe(0);
    const knowledge = stageKnowledge([
      history(
        "Python/jit.c",
        [],
        [
          [ANA, 1],
          [BEN, 1],
        ],
      ),
      history(
        "Tools/jit/build.py",
        [],
        [
          [ANA, 1],
          [BEN, 1],
        ],
      ),
      history("Python/executor.c", [CY], [[CY, 1]]),
    ]);
    expect(knowledge).toMatchObject({ truckFactor: 0, unauthoredFiles: 2, orphanedWithoutKeyPeople: 2 });
  });
});

describe("a stage's files", () => {
  it.each([
    ["Python/jit.c", "backend", true],
    ["Tools/jit/template.c", "backend", true],
    ["Python/optimizer_cases.c.h", "middle-end", false], // generated
    ["Python/bytecodes.c", "middle-end", false], // shared
    ["Python/optimizer.c", "backend", false], // frontend's
  ])("%s is a hand-written %s file: %s", (path, stageId, expected) => {
    expect(isStageSourceFile(config, stageId, path)).toBe(expected);
  });

  it("finds candidates by the literal start of each hand-written rule", () => {
    expect(stagePathPrefixes(config, "backend")).toEqual([
      ".github/workflows/jit.yml",
      "Include/internal/pycore_jit.h",
      "Python/executor.c",
      "Python/jit.c",
      "Tools/jit/",
    ]);
  });
});
