import { describe, expect, it } from "vitest";
import { parseCommitMessage } from "../../app/stewardship/commit-message";
import { displayName, identityKeys, loginFromEmail, parseCoAuthor } from "../../app/stewardship/identity";

describe("parseCommitMessage", () => {
  it.each([
    ["gh-134584: Eliminate redundant refcounting from _BINARY_OP (#135001)", 135001, [134584]],
    ["GH-139109: Record traces through generators (#139500)", 139500, [139109]],
    ["[3.14] gh-134584: Fix a leak (GH-135001) (#135070)", 135070, [134584]],
    ["gh-1234: gh-5678: Two issues (#9999)", 9999, [1234, 5678]],
    ["Fix a typo in the docs", null, []],
    ["bpo-40000: Old-style reference (#20000)", 20000, []],
    ['Revert "gh-1: Something (#2)" (#3)', 3, [1]],
  ])("%s", (subject, pr, refs) => {
    const facts = parseCommitMessage(subject);
    expect(facts.prNumber).toBe(pr);
    expect(facts.refs).toEqual(refs);
    expect(facts.title).toBe(subject);
  });

  it("reads references from the body and co-authors from trailers", () => {
    const facts = parseCommitMessage(
      [
        "gh-145866: Leave inputs on the stack for _STORE_ATTR (#146000)",
        "",
        "Part of gh-131798 too.",
        "",
        "Co-authored-by: Mira Okafor <12345+mokafor@users.noreply.github.com>",
        "co-authored-by: Tomasz Wren <tomasz@example.org>",
        "Co-authored-by: <nobody>",
      ].join("\r\n"),
    );
    expect(facts.refs).toEqual([145866, 131798]);
    expect(facts.coAuthors).toEqual([
      { name: "Mira Okafor", email: "12345+mokafor@users.noreply.github.com" },
      { name: "Tomasz Wren", email: "tomasz@example.org" },
      { name: "nobody", email: "nobody" },
    ]);
  });
});

describe("identities", () => {
  it.each([
    ["12345+Fidget-Spinner@users.noreply.github.com", "fidget-spinner"],
    ["brandtbucher@users.noreply.github.com", "brandtbucher"],
    ["31488909+miss-islington@users.noreply.github.com", "miss-islington"],
    ["49699333+dependabot[bot]@users.noreply.github.com", "dependabot[bot]"],
    ["someone@python.org", null],
  ])("takes the login from %s", (email, login) => {
    expect(loginFromEmail(email)).toBe(login);
  });

  it("keys a person by login and e-mail, and by name only when nothing else is known", () => {
    expect(identityKeys({ name: "Ken Jin", email: "28750310+Fidget-Spinner@users.noreply.github.com" })).toEqual([
      { kind: "login", value: "fidget-spinner" },
      { kind: "email", value: "28750310+fidget-spinner@users.noreply.github.com" },
    ]);
    expect(identityKeys({ name: " Ken Jin " })).toEqual([{ kind: "name", value: "ken jin" }]);
  });

  it("never shows an e-mail address as a name", () => {
    expect(displayName({ name: "kj@example.org", email: "kj@example.org" })).toBe("unknown contributor");
    expect(displayName({ name: "kj@example.org", email: "1+kj@users.noreply.github.com" })).toBe("kj");
    expect(parseCoAuthor("Name Only")).toEqual({ name: "Name Only" });
  });
});
