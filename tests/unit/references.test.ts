import { describe, expect, it } from "vitest";
import { issueReferences, pullRequestReferences, referencesIssue } from "../../app/stewardship/references";

describe("issueReferences", () => {
  it.each([
    ["gh-134584: Eliminate redundant refcounting from _BINARY_OP", [134584]],
    ["[3.14] GH-139109: Record traces through generators", [139109]],
    ["gh-1234: gh-5678: Two issues\n\nSee also gh-1234.", [1234, 5678, 1234]],
    ["Fixes #140123 and bpo-1234, not agh-5 nor gh-12x", []],
    ["(gh-145866)", [145866]],
  ])("reads %j", (text, refs) => {
    expect(issueReferences(text)).toEqual(refs);
  });
});

describe("pullRequestReferences", () => {
  it("reads the title and body and leaves out the pull request itself", () => {
    expect(
      pullRequestReferences({
        number: 140555,
        title: "gh-134584: Eliminate redundant refcounting from _CALL_LEN",
        body: "Follows gh-140555's review; part of gh-145866.",
      }),
    ).toEqual([134584, 145866]);
    expect(pullRequestReferences({ number: 1, title: "JIT: LLVM 20", body: null })).toEqual([]);
  });
});

describe("referencesIssue", () => {
  it.each([
    ["gh-140123: Print stencil sizes", true],
    ["Fixes #140123.", true],
    ["GH-140123", true],
    ["(#140123)", true],
    ["gh-1401234: something else", false],
    ["See #14012", false],
    ["issue140123", false],
    ["gh-0140123", false],
  ])("%j names 140123: %s", (text, expected) => {
    expect(referencesIssue(text, 140123)).toBe(expected);
  });
});
