import { describe, expect, it } from "vitest";
import {
  containsPattern,
  contributionPageStage,
  parseListParams,
  unknownStageMessage,
} from "../../app/stewardship/query-params";
import { defaultConfig } from "../support/db";

describe("containsPattern", () => {
  it.each([
    ["refcount", "%refcount%"],
    ["  _POP_TOP ", "%\\_POP\\_TOP%"],
    ["100%", "%100\\%%"],
    ["a\\b", "%a\\\\b%"],
  ])("%j → %j", (text, pattern) => {
    expect(containsPattern(text)).toBe(pattern);
  });
});

describe("contributionPageStage", () => {
  it("is JIT work (any stage) by default, nothing for all, else the stage asked for", () => {
    expect(contributionPageStage(undefined)).toBe("any");
    expect(contributionPageStage("all")).toBeUndefined();
    expect(contributionPageStage("middle-end")).toBe("middle-end");
    expect(contributionPageStage("none")).toBe("none");
  });
});

describe("list parameters", () => {
  it("take a title search and a person search", () => {
    const parsed = parseListParams(new URLSearchParams("q=%60_POP_TOP%60&who=%40fidget-spinner"));
    expect(parsed).toEqual({ ok: true, value: { q: "`_POP_TOP`", who: "@fidget-spinner" } });
    expect(parseListParams(new URLSearchParams(`q=${"x".repeat(201)}`)).ok).toBe(false);
  });

  it("know the stage words only where a page accepts them", () => {
    const config = defaultConfig().config;
    expect(unknownStageMessage(config, "all")).toMatch(/^There is no stage "all"/);
    expect(unknownStageMessage(config, "all", ["any", "all"])).toBeNull();
    expect(unknownStageMessage(config, "middle-end")).toBeNull();
  });
});
