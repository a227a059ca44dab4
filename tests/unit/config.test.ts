import { describe, expect, it } from "vitest";
import {
  ConfigError,
  compileConfig,
  configVersion,
  globToRegExp,
  isGeneratedPath,
  parseConfig,
} from "../../app/stewardship/config";
import { defaultConfig } from "../support/db";

const minimal = { project: { repository: "acme/engine" }, stages: [{ id: "core", name: "Core" }] };

function errorOf(json: unknown, file = "steward.config.json"): string {
  try {
    parseConfig(typeof json === "string" ? json : JSON.stringify(json), file);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("the stage configuration", () => {
  it("ships the CPython JIT as the default, with the stage map's three stages and goals", () => {
    const { config } = defaultConfig();
    expect(config.project).toEqual({ repository: "python/cpython", branch: "main" });
    expect(config.stages.map((s) => [s.id, s.goal])).toEqual([
      ["frontend", 2],
      ["middle-end", 2],
      ["backend", 2],
    ]);
    expect(config.maintainerRule).toEqual({ windowDays: 180, minContributions: 2 });
    expect(config.umbrellaIssues.find((u) => u.number === 134584)?.stage).toBe("middle-end");
  });

  it("fills defaults for a minimal project", () => {
    const config = parseConfig(JSON.stringify(minimal), "x.json");
    expect(config.stages[0]?.goal).toBe(2);
    expect(config.project.branch).toBe("main");
    expect(config.starterLabels).toEqual(["easy", "good first issue"]);
    expect(config.onboarding.returnWindowDays).toBe(90);
  });

  it.each([
    [{ ...minimal, stages: [] }, "steward.config.json: stages: must list at least one stage"],
    [{ ...minimal, project: { repository: "cpython" } }, "project.repository: must be owner/repo"],
    [
      { ...minimal, paths: [{ glob: "a.c", stage: "nope" }] },
      'paths.0.stage: unknown stage "nope"; use one of: core, shared',
    ],
    [{ ...minimal, paths: [{ glob: "/abs.c", stage: "core" }] }, "paths.0.glob: must be relative"],
    [
      {
        ...minimal,
        stages: [
          { id: "a", name: "A" },
          { id: "a", name: "B" },
        ],
      },
      'stages.1.id: duplicate stage id "a"',
    ],
    [{ ...minimal, maintainerRule: { windowDays: 0 } }, "maintainerRule.windowDays"],
    [{ ...minimal, onboarding: { returnWindowDays: 0 } }, "onboarding.returnWindowDays"],
    [{ ...minimal, stages: [{ id: "core", name: "Core", goal: 0 }] }, "stages.0.goal: must be at least 1"],
    [{ ...minimal, colour: "blue" }, "Unrecognized key"],
    ["{ not json", "steward.config.json: not valid JSON"],
  ])("rejects %j naming the key", (json, message) => {
    expect(errorOf(json)).toContain(message);
  });

  it("changes its version when a rule changes, not when a description does", () => {
    const base = parseConfig(JSON.stringify(minimal), "x.json");
    const described = parseConfig(
      JSON.stringify({ ...minimal, stages: [{ id: "core", name: "Core", description: "new words" }] }),
      "x.json",
    );
    const moved = parseConfig(JSON.stringify({ ...minimal, paths: [{ glob: "src/**", stage: "core" }] }), "x.json");
    expect(configVersion(described)).toBe(configVersion(base));
    expect(configVersion(moved)).not.toBe(configVersion(base));
    expect(compileConfig(base).version).toMatch(/^[0-9a-f]{12}$/);
  });
});

describe("globToRegExp", () => {
  it.each([
    ["Tools/jit/**", "Tools/jit/_targets.py", true],
    ["Tools/jit/**", "Tools/jit/deep/x.c", true],
    ["Tools/jit/**", "Tools/jitter.py", false],
    ["Python/optimizer*.c", "Python/optimizer_analysis.c", true],
    ["Python/optimizer*.c", "Python/sub/optimizer.c", false],
    ["**/*jit*", "Python/jit.c", true],
    ["**/*jit*", "jit.c", true],
    ["Python/jit.c", "Python/jitXc", false],
    ["*[bot]", "bedevere-app[bot]", true],
    ["*[bot]", "bedevere-bot", false],
    [".github/workflows/*.yml", ".github/workflows/jit.yml", true],
    ["**/jit.yml", ".github/workflows/jit.yml", true],
    ["Python/?it.c", "Python/jit.c", true],
    ["Lib/test/test_x(1).py", "Lib/test/test_x1.py", false],
  ])("%s matches %s: %s", (glob, path, expected) => {
    expect(globToRegExp(glob).test(path)).toBe(expected);
  });

  it("keeps a file name holding a newline inside `**`, where git's paths put it", () => {
    expect(globToRegExp("Tools/jit/**").test("Tools/jit/odd\nname.py")).toBe(true);
    expect(globToRegExp("Tools/jit/**").test("Tools/jit/odd\n/deeper.c")).toBe(true);
    expect(globToRegExp("Python/*.c").test("Python/odd\nname.c")).toBe(true);
    expect(globToRegExp("Python/*.c").test("Python/odd\n/name.c")).toBe(false);
  });
});

describe("isGeneratedPath", () => {
  const config = defaultConfig();
  it.each([
    ["Python/optimizer_cases.c.h", true], // a stage's path rule marks it generated
    ["Python/executor_cases.c.h", true], // a shared path rule marks it generated
    ["Python/generated_cases.c.h", true], // excluded from the stages, and listed in generatedPaths
    ["Include/internal/pycore_opcode_metadata.h", true], // no path rule; generatedPaths
    ["Objects/clinic/listobject.c.h", true],
    ["Python/optimizer_bytecodes.c", false],
    ["Python/bytecodes.c", false],
    ["Lib/test/test_capi/test_opt.py", false],
    ["Python/opcode_targets.h.orig", false],
  ])("%s: %s", (path, generated) => {
    expect(isGeneratedPath(config, path)).toBe(generated);
  });

  it("does not change the configuration's version, since labels do not depend on it", () => {
    const base = parseConfig(JSON.stringify(minimal), "a.json");
    const listed = parseConfig(JSON.stringify({ ...minimal, generatedPaths: ["src/gen/**"] }), "b.json");
    expect(configVersion(listed)).toBe(configVersion(base));
    expect(isGeneratedPath(compileConfig(listed), "src/gen/tables.c")).toBe(true);
  });
});
