import { describe, expect, it } from "vitest";
import { classifyContribution, type FileChange } from "../../app/stewardship/classify";
import { compileConfig, parseConfig } from "../../app/stewardship/config";
import { defaultConfig } from "../support/db";

const config = defaultConfig();

const file = (path: string, added = 10, deleted = 2): FileChange => ({ path, added, deleted });

function classify(title: string, files: FileChange[], refs: number[] = [], labels: string[] = []) {
  return classifyContribution(config, { title, files, refs, labels });
}

const stagesOf = (title: string, files: FileChange[], refs: number[] = [], labels: string[] = []) =>
  classify(title, files, refs, labels).stages.map((s) => s.stageId);

describe("classifyContribution on CPython-like contributions", () => {
  it.each([
    {
      name: "a refcount-elimination PR with generated files is middle-end work",
      title: "gh-134584: Eliminate redundant refcounting from _BINARY_OP_ADD_INT (#135001)",
      refs: [134584],
      files: [
        file("Python/bytecodes.c", 12, 6),
        file("Python/optimizer_bytecodes.c", 8, 1),
        file("Python/optimizer_cases.c.h", 30, 10),
        file("Python/executor_cases.c.h", 40, 20),
        file("Include/internal/pycore_uop_metadata.h", 2, 2),
        file("Lib/test/test_capi/test_opt.py", 25, 0),
        file("Misc/NEWS.d/next/Core_and_Builtins/2025-06-01-12-00-00.gh-issue-134584.abc123.rst", 2, 0),
      ],
      expected: ["middle-end"],
    },
    {
      name: "the same PR without the umbrella reference is still middle-end by path",
      title: "Remove a redundant incref in the optimizer",
      refs: [],
      files: [
        file("Python/bytecodes.c", 12, 6),
        file("Python/optimizer_bytecodes.c", 8, 1),
        file("Python/optimizer_cases.c.h"),
      ],
      expected: ["middle-end"],
    },
    {
      name: "Python/jit.c is backend",
      title: "GH-140000: Emit smaller trampolines on AArch64 (#140001)",
      refs: [140000],
      files: [file("Python/jit.c", 50, 20), file("Tools/jit/_stencils.py", 10, 3)],
      expected: ["backend"],
    },
    {
      name: "Python/ceval.c alone is shared: no stage",
      title: "gh-120000: Tidy the eval loop (#120001)",
      refs: [120000],
      files: [file("Python/ceval.c", 30, 30)],
      expected: [],
    },
    {
      name: "a regenerate-only commit earns nothing, even naming the umbrella",
      title: "gh-134584: Regenerate cases (#135100)",
      refs: [134584],
      files: [file("Python/optimizer_cases.c.h", 200, 180), file("Python/executor_cases.c.h", 90, 90)],
      expected: [],
    },
    {
      name: "Python/perf_jit_trampoline.c is not the JIT",
      title: "gh-118000: Fix the perf trampoline for JIT frames (#118001)",
      refs: [118000],
      files: [file("Python/perf_jit_trampoline.c", 40, 10)],
      expected: [],
    },
    {
      name: "Python/optimizer.c is frontend",
      title: "GH-139109: Record traces through generators (#139500)",
      refs: [139109],
      files: [file("Python/optimizer.c", 80, 12), file("Python/bytecodes.c", 4, 1)],
      expected: ["frontend"],
    },
    {
      name: "a shared-only change placed by its umbrella issue",
      title: "gh-145866: Leave inputs on the stack for _STORE_ATTR (#146000)",
      refs: [145866],
      files: [file("Python/bytecodes.c", 20, 14), file("Python/executor_cases.c.h", 30, 30)],
      expected: ["middle-end"],
    },
    {
      name: "an even split across two stages carries both labels",
      title: "gh-143158: Split hot and cold stencils (#143200)",
      refs: [],
      files: [file("Python/optimizer.c", 40, 0), file("Python/jit.c", 40, 0)],
      expected: ["backend", "frontend"],
    },
    {
      name: "a title keyword alone places nothing",
      title: "Speed up the refcount of small ints in the optimizer",
      refs: [],
      files: [file("Objects/longobject.c", 20, 4)],
      expected: [],
    },
    {
      name: "topic-JIT marks JIT work but names no stage",
      title: "Fix a crash",
      refs: [],
      labels: ["topic-JIT"],
      files: [file("Python/ceval_macros.h", 3, 3)],
      expected: [],
    },
  ])("$name", ({ title, files, refs, labels, expected }) => {
    expect(stagesOf(title, files, refs, labels ?? [])).toEqual(expected);
  });

  it("gives no maintainer credit for a 300-file C-API sweep that grazes a stage file", () => {
    const files = Array.from({ length: 299 }, (_, i) => file(`Modules/_mod${i}.c`, 3, 3));
    files.push(file("Python/optimizer_analysis.c", 3, 3));
    const result = classify("gh-127000: Rename PyObject_Foo to PyObject_Bar everywhere (#127001)", files, [127000]);
    expect(result.stages).toEqual([]);
    const graze = result.evidence.find((e) => e.rule === "graze");
    expect(graze?.stageId).toBe("middle-end");
    expect(graze?.detail).toContain("300 files");
    // The per-file evidence is summarised, not 300 lines long.
    expect(result.evidence.length).toBeLessThan(20);
  });

  it("does not let a sweep inherit an umbrella's stage", () => {
    const files = Array.from({ length: 200 }, (_, i) => file(`Lib/test/test_${i}.py`, 2, 2));
    files.push(file("Python/bytecodes.c", 2, 2));
    const result = classify("gh-134584: Use the new API everywhere (#135900)", files, [134584]);
    expect(result.stages).toEqual([]);
    expect(result.evidence.some((e) => e.rule === "umbrella-ignored" && e.detail.includes("201-file"))).toBe(true);
  });

  it("counts generated files only beside their stage's hand-written source", () => {
    const alone = classify("Regen", [file("Python/optimizer_cases.c.h"), file("Objects/listobject.c")]);
    expect(alone.stages).toEqual([]);
    expect(alone.evidence.map((e) => e.rule)).toContain("generated-ignored");

    const withSource = classify("Opt", [file("Python/optimizer_cases.c.h"), file("Python/optimizer_bytecodes.c")]);
    expect(withSource.evidence.map((e) => e.rule)).toContain("generated-counted");
    expect(withSource.stages.map((s) => s.stageId)).toEqual(["middle-end"]);
  });

  it("weighs ambiguous paths at half and says so", () => {
    const result = classify("Tweak backoff", [
      file("Include/internal/pycore_backoff.h", 4, 4),
      file("Python/specialize.c", 4, 4),
    ]);
    const share = result.evidence.find((e) => e.rule === "share" || e.rule === "graze");
    expect(result.evidence.some((e) => e.rule === "ambiguous-path")).toBe(true);
    // half a file against one excluded file: a third of the files, a third of the lines
    expect(share?.rule).toBe("share");
    expect(result.scores.frontend).toBeCloseTo(1 / 3, 2);
  });

  it("explains every label with the rule and the matched thing", () => {
    const result = classify(
      "gh-134584: Eliminate redundant refcounting from _LOAD_ATTR (#135050)",
      [file("Python/optimizer_bytecodes.c", 10, 2), file("Python/bytecodes.c", 10, 2)],
      [134584],
      ["topic-JIT"],
    );
    expect(result.stages[0]).toMatchObject({ stageId: "middle-end" });
    expect(result.stages[0]?.score).toBeCloseTo(2.1, 5); // share 1 + umbrella 1 + keyword "refcount" 0.1
    const rules = result.evidence.map((e) => e.rule);
    expect(rules).toEqual(expect.arrayContaining(["path", "shared", "share", "umbrella", "label", "keyword"]));
    expect(result.evidence.find((e) => e.rule === "umbrella")?.detail).toContain("gh-134584");
    expect(result.jitRelated).toBe(true);
  });

  it("says the same whatever order the files come in (git's, GitHub's, either database's)", () => {
    const files = [
      file("Python/optimizer_analysis.c", 40, 4),
      file("Python/jit.c", 30, 3),
      ...Array.from({ length: 12 }, (_, i) => file(`Tools/jit/_stencil_${String(i).padStart(2, "0")}.py`, 3, 1)),
      file("Python/optimizer_cases.c.h", 20, 2),
    ];
    const inOrder = classify("Tune the JIT", files, [134584]);
    expect(classify("Tune the JIT", [...files].reverse(), [134584])).toEqual(inOrder);
    // The files it names are the first in path order.
    const named = inOrder.evidence.filter((e) => e.rule === "path").map((e) => e.detail.split(" ")[0]);
    expect(named).toEqual([...named].sort());
    expect(named[0]).toBe("Python/jit.c");
  });

  it("treats binary files as one line", () => {
    const result = classify("Add a stencil blob", [{ path: "Tools/jit/blob.bin", added: null, deleted: null }]);
    expect(result.stages.map((s) => s.stageId)).toEqual(["backend"]);
    expect(result.evidence.find((e) => e.rule === "path")?.detail).toContain("(1 lines)");
  });

  it("follows a project's own configuration, not CPython's", () => {
    const other = compileConfig(
      parseConfig(
        JSON.stringify({
          project: { repository: "acme/engine" },
          stages: [{ id: "parser", name: "Parser" }],
          paths: [{ glob: "src/parser/**", stage: "parser" }],
        }),
        "acme.json",
      ),
    );
    const result = classifyContribution(other, {
      title: "Parse faster",
      files: [file("src/parser/lexer.rs"), file("src/parser/deep/ast.rs")],
      refs: [],
      labels: [],
    });
    expect(result.stages.map((s) => s.stageId)).toEqual(["parser"]);
    expect(
      classifyContribution(other, { title: "x", files: [file("Python/jit.c")], refs: [], labels: [] }).stages,
    ).toEqual([]);
  });
});
