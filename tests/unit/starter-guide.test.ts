import { describe, expect, it } from "vitest";
import { taskGuide, textFragmentUrl, uopCodeLinks, uopName } from "../../app/stewardship/starter-guide";

const project = { repository: "python/cpython", branch: "main" };

describe("uopName", () => {
  it.each([
    ["`_BINARY_OP_ADD_INT`", "_BINARY_OP_ADD_INT"],
    ["Eliminate refcounts in _LOAD_ATTR_SLOT and _STORE_ATTR", "_LOAD_ATTR_SLOT"],
    ["_POP_TOP", "_POP_TOP"],
    ["Convert `_CALL_LEN` to leave inputs on the stack", "_CALL_LEN"],
    ["BINARY_OP (a tier-1 opcode, no underscore)", null],
    ["Fix a crash in __init__ handling", null],
    ["Document the optimizer", null],
  ])("%s → %s", (title, uop) => {
    expect(uopName(title)).toBe(uop);
  });
});

describe("uopCodeLinks", () => {
  it("links the uop's definition and its abstract counterpart on the branch, each with a code search", () => {
    expect(uopCodeLinks("python/cpython", "main", "_BINARY_OP_ADD_INT")).toEqual([
      {
        path: "Python/bytecodes.c",
        fileUrl: "https://github.com/python/cpython/blob/main/Python/bytecodes.c",
        searchUrl:
          "https://github.com/search?q=repo%3Apython%2Fcpython+path%3APython%2Fbytecodes.c+_BINARY_OP_ADD_INT&type=code",
      },
      {
        path: "Python/optimizer_bytecodes.c",
        fileUrl: "https://github.com/python/cpython/blob/main/Python/optimizer_bytecodes.c",
        searchUrl:
          "https://github.com/search?q=repo%3Apython%2Fcpython+path%3APython%2Foptimizer_bytecodes.c+_BINARY_OP_ADD_INT&type=code",
      },
    ]);
  });
});

describe("textFragmentUrl", () => {
  it("encodes the fragment's own syntax characters as well as spaces", () => {
    expect(
      textFragmentUrl("https://github.com/python/cpython/issues/134584", " _GUARD_TOS_INT, step-by-step & more "),
    ).toBe("https://github.com/python/cpython/issues/134584#:~:text=_GUARD_TOS_INT%2C%20step%2Dby%2Dstep%20%26%20more");
  });
});

describe("taskGuide", () => {
  it("a checklist item: claim on the umbrella, link to the item's text, start at the uop in both files", () => {
    const guide = taskGuide(
      { issueNumber: 134584, umbrellaNumber: 134584, title: "Eliminate refcounting in `_BINARY_OP_ADD_INT`" },
      project,
    );
    expect(guide.itemUrl).toBe(
      "https://github.com/python/cpython/issues/134584#:~:text=Eliminate%20refcounting%20in%20_BINARY_OP_ADD_INT",
    );
    expect(guide.claim).toBe('comment on gh-134584 naming this item, then open a pull request titled "gh-134584: …".');
    expect(guide.uop).toBe("_BINARY_OP_ADD_INT");
    expect(guide.code.map((c) => c.path)).toEqual(["Python/bytecodes.c", "Python/optimizer_bytecodes.c"]);
  });

  it("a labelled issue: ask to be assigned, link the issue itself, no code pointer without a uop", () => {
    const guide = taskGuide(
      { issueNumber: 140001, umbrellaNumber: null, title: "Document the JIT's build flags" },
      project,
    );
    expect(guide.itemUrl).toBe("https://github.com/python/cpython/issues/140001");
    expect(guide.claim).toMatch(/^comment on gh-140001 asking to be assigned/);
    expect(guide.uop).toBeNull();
    expect(guide.code).toEqual([]);
  });
});
