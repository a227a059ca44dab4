import { describe, expect, it } from "vitest";
import { codeownersMatcher, compareOwnership, parseCodeowners, ruleFor } from "../../app/stewardship/codeowners";

// Shaped like CPython's .github/CODEOWNERS.
const cpython = `# See https://help.github.com/articles/about-codeowners/

# Default
*                             @python/core-reviewers-placeholder-team

# Interpreter and JIT
Python/bytecodes.c            @markshannon
Python/optimizer*.c           @markshannon @Fidget-Spinner   # tier 2 optimizer
Python/jit.c                  @brandtbucher @savannahostrowski
Tools/jit/                    @brandtbucher @savannahostrowski
Include/internal/pycore_jit.h @brandtbucher jit-team@example.org
/Lib/test/test_capi/          @encukou
Doc/*                         @python/docs-team
Python/generated_cases.c.h
\\#weird                      @someone
!Python/ceval.c               @nobody
Python/executor.c             @-bad-
`;

describe("codeownersMatcher (GitHub's gitignore-style patterns)", () => {
  it.each([
    ["*", "Python/jit.c", true],
    ["*.c", "Python/jit.c", true], // no slash: any depth
    ["jit.c", "Python/jit.c", true],
    ["/jit.c", "Python/jit.c", false], // leading slash: the root only
    ["Python/jit.c", "Python/jit.c", true],
    ["Python/jit.c", "Lib/Python/jit.c", false], // a slash inside anchors at the root
    ["Tools/jit/", "Tools/jit/_targets.py", true], // a folder covers everything below
    ["Tools/jit/", "Tools/jit/jit.h/x", true],
    ["jit/", "Tools/jit/build.py", true], // only a trailing slash: any depth
    ["Tools/jit/**", "Tools/jit/a/b/template.c", true],
    ["Doc/*", "Doc/index.rst", true],
    ["Doc/*", "Doc/library/dis.rst", false], // GitHub: `docs/*` does not reach subfolders
    ["Python/optimizer*.c", "Python/optimizer_analysis.c", true],
    ["Python/optimizer*.c", "Python/optimizer_cases.c.h", false],
    ["**/clinic", "Modules/clinic/foo.c.h", true],
    ["Python", "Python/jit.c", true], // a name matches a folder anywhere, and what is in it
    ["[ab].c", "a.c", false], // [ ] is not supported: literal
    ["[ab].c", "[ab].c", true],
  ])("%s matches %s: %s", (pattern, path, expected) => {
    expect(codeownersMatcher(pattern)(path)).toBe(expected);
  });
});

describe("parseCodeowners", () => {
  const parsed = parseCodeowners(cpython);

  it("reads patterns and owners, skipping comments and reporting lines GitHub would ignore", () => {
    expect(parsed.rules.map((r) => [r.line, r.pattern, r.owners])).toEqual([
      [4, "*", ["@python/core-reviewers-placeholder-team"]],
      [7, "Python/bytecodes.c", ["@markshannon"]],
      [8, "Python/optimizer*.c", ["@markshannon", "@Fidget-Spinner"]],
      [9, "Python/jit.c", ["@brandtbucher", "@savannahostrowski"]],
      [10, "Tools/jit/", ["@brandtbucher", "@savannahostrowski"]],
      [11, "Include/internal/pycore_jit.h", ["@brandtbucher", "jit-team@example.org"]],
      [12, "/Lib/test/test_capi/", ["@encukou"]],
      [13, "Doc/*", ["@python/docs-team"]],
      [14, "Python/generated_cases.c.h", []],
      [15, "#weird", ["@someone"]],
    ]);
    expect(parsed.problems).toEqual([
      { line: 16, message: "!Python/ceval.c: GitHub does not support negated patterns (!); the line is ignored" },
      {
        line: 17,
        message: "@-bad-: not an owner (write @login, @org/team or an e-mail address); GitHub ignores the line",
      },
    ]);
  });

  it("gives a path the owners of the last matching rule; a rule without owners leaves it unowned", () => {
    expect(ruleFor(parsed, "Python/jit.c")?.owners).toEqual(["@brandtbucher", "@savannahostrowski"]);
    expect(ruleFor(parsed, "Python/ceval.c")?.line).toBe(4); // only the default matches
    expect(ruleFor(parsed, "Python/generated_cases.c.h")?.owners).toEqual([]);
    expect(ruleFor(parseCodeowners("Python/jit.c @a\n"), "Python/ceval.c")).toBeNull();
  });
});

describe("compareOwnership (declared versus active)", () => {
  const backendFiles = ["Python/jit.c", "Tools/jit/_targets.py", "Tools/jit/build.py", "Include/internal/pycore_jit.h"];
  const globs = ["Python/jit.c", "Tools/jit/**", "Include/internal/pycore_jit.h"];

  it("says who is declared but inactive, who is active but undeclared, and what it would write", () => {
    const result = compareOwnership(parseCodeowners(cpython), {
      files: backendFiles,
      globs,
      maintainers: [
        { id: 1, login: "BrandtBucher", name: "Brandt Bucher" }, // logins compare without case
        { id: 2, login: "diegorusso", name: "Diego Russo" },
        { id: 3, login: null, name: "Someone Without A Login" },
      ],
    });
    expect(result).toEqual({
      declared: [
        { owner: "@brandtbucher", files: 4 },
        { owner: "@savannahostrowski", files: 3 },
        { owner: "jit-team@example.org", files: 1 },
      ],
      unownedFiles: [],
      fileCount: 4,
      declaredNotActive: [{ owner: "@savannahostrowski", files: 3 }],
      activeNotDeclared: [
        { id: 2, login: "diegorusso", name: "Diego Russo" },
        { id: 3, login: null, name: "Someone Without A Login" },
      ],
      notCompared: [{ owner: "jit-team@example.org", files: 1 }],
      suggestedLines: [
        "/Python/jit.c @BrandtBucher @diegorusso",
        "/Tools/jit/** @BrandtBucher @diegorusso",
        "/Include/internal/pycore_jit.h @BrandtBucher @diegorusso",
      ],
    });
  });

  it("suggests the people who know the code when no maintainer has a login, and counts unowned files", () => {
    const result = compareOwnership(parseCodeowners("Python/jit.c @brandtbucher\n"), {
      files: ["Python/jit.c", "Python/executor.c"],
      globs: ["Python/jit.c", "Python/executor.c"],
      maintainers: [],
      knowers: [{ id: 4, login: "markshannon", name: "Mark Shannon" }],
    });
    expect(result.unownedFiles).toEqual(["Python/executor.c"]);
    expect(result.declaredNotActive).toEqual([{ owner: "@brandtbucher", files: 1 }]);
    expect(result.suggestedLines).toEqual(["/Python/jit.c @markshannon", "/Python/executor.c @markshannon"]);
    expect(
      compareOwnership(parseCodeowners(""), { files: [], globs: ["Python/jit.c"], maintainers: [] }).suggestedLines,
    ).toEqual(["# /Python/jit.c: nobody active with a GitHub login to name"]);
  });
});
