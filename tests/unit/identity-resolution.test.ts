import { describe, expect, it } from "vitest";
import { parseCommitMessage } from "../../app/stewardship/commit-message";
import { ConfigError, identityVersion, parseConfig } from "../../app/stewardship/config";
import { parseCoAuthor } from "../../app/stewardship/identity";
import {
  correctionKey,
  isGenericName,
  normaliseName,
  resolveIdentities,
  type IdentityCorrection,
  type IdentityEntry,
  type IdentityRecord,
} from "../../app/stewardship/identity-resolution";

type Sighting = [name: string, email: string | null, login?: string | null];

/** Records numbered from 1 in the order given. */
const records = (sightings: Sighting[]): IdentityRecord[] =>
  sightings.map(([name, email, login = null], i) => ({ id: i + 1, name, email, login }));

/** The clusters as lists of record ids, to compare with what a case expects. */
function clusterIds(sightings: Sighting[], entries: IdentityEntry[] = []): number[][] {
  return resolveIdentities(records(sightings), entries).clusters.map((c) => c.ids);
}

describe("normaliseName", () => {
  it.each([
    ["Erlend E. Aasland", "erlend e aasland"],
    ["Aasland, Erlend E.", "erlend e aasland"],
    ["  Guido   van Rossum ", "guido van rossum"],
    ["Éric Araujo", "eric araujo"],
    ["Łukasz Langa", "lukasz langa"],
    ["Pablo Galindo Salgado", "pablo galindo salgado"],
    ["Gregory P. Smith [Google, LLC]", "gregory p smith"],
    ["Jean-Paul O'Neil", "jean paul oneil"],
  ])("%s → %s", (name, normalised) => {
    expect(normaliseName(name)).toBe(normalised);
  });
});

describe("isGenericName", () => {
  it.each([
    ["unknown", true],
    ["Unknown Contributor", true],
    ["root", true],
    ["GitHub", true],
    ["GitHub Actions", true],
    ["GitHub Action", true],
    ["nobody", true],
    ["Anonymous", true],
    ["Éric", true],
    ["achhina", true],
    ["kj@example.org", true],
    ["Brandt Bucher", false],
    ["Ken Jin", false],
  ])("%s → %s", (name, generic) => {
    expect(isGenericName(name)).toBe(generic);
  });
});

describe("resolveIdentities: the rules", () => {
  it.each<[string, Sighting[], number[][]]>([
    [
      "Brandt Bucher at two domains is one person (same full name)",
      [
        ["Brandt Bucher", "brandtbucher@microsoft.com"],
        ["Brandt Bucher", "brandtbucher@gmail.com"],
      ],
      [[1, 2]],
    ],
    [
      "Guido at python.org, gmail and his noreply login is one person",
      [
        ["Guido van Rossum", "guido@python.org"],
        ["Guido van Rossum", "gvanrossum@gmail.com"],
        ["Guido van Rossum", "gvanrossum@users.noreply.github.com"],
        ["gvanrossum", null, "gvanrossum"],
      ],
      [[1, 2, 3, 4]],
    ],
    [
      "Ken Jin under python.org, gmail and a numbered noreply address, and his GitHub login",
      [
        ["Ken Jin", "kenjin@python.org"],
        ["Ken Jin", "kenjin4096@gmail.com"],
        ["Ken Jin", "28750310+Fidget-Spinner@users.noreply.github.com"],
        ["Fidget-Spinner", null, "fidget-spinner"],
      ],
      [[1, 2, 3, 4]],
    ],
    [
      "the same e-mail in another case, under another spelling of the name",
      [
        ["Erlend Aasland", "erlend.aasland@protonmail.com"],
        ["erlend-aasland", "Erlend.Aasland@protonmail.com"],
      ],
      [[1, 2]],
    ],
    [
      '"Last, First" and accents agree with "First Last"',
      [
        ["Erlend E. Aasland", "erlend@python.org"],
        ["Aasland, Erlend E.", "erlend.aasland@innova.no"],
        ["Łukasz Langa", "lukasz@langa.pl"],
        ["Lukasz Langa", "ambv@users.noreply.github.com"],
      ],
      [
        [1, 2],
        [3, 4],
      ],
    ],
    [
      "accents and case do not make two people",
      [
        ["Éric Araujo", "merwok@netwok.org"],
        ["ERIC ARAUJO", "eric.araujo@example.org"],
      ],
      [[1, 2]],
    ],
    [
      "the same distinctive local part at two domains when the compact names agree",
      [
        ["Irit Katriel", "iritkatriel@yahoo.com"],
        ["IritKatriel", "iritkatriel@gmail.com"],
      ],
      [[1, 2]],
    ],
    [
      "two real people called Sam at different domains stay two",
      [
        ["Sam", "sam@a.org"],
        ["Sam", "sam@b.org"],
      ],
      [[1], [2]],
    ],
    [
      "two Érics (merwok@ and earaujo@) stay two: a single word never merges by name",
      [
        ["Éric", "merwok@netwok.org"],
        ["Éric", "earaujo@caravan.coop"],
      ],
      [[1], [2]],
    ],
    [
      "achhina at two domains stays two: a single-word name, however rare",
      [
        ["achhina", "achhina@example.org"],
        ["achhina", "achhina@example.com"],
      ],
      [[1], [2]],
    ],
    [
      "generic names never merge, whatever the address",
      [
        ["unknown contributor", "a@example.org"],
        ["Unknown Contributor", "b@example.org"],
        ["GitHub Action", "action@github.com"],
        ["GitHub Action", "41898282+github-actions[bot]@users.noreply.github.com"],
        ["root", "root@localhost"],
        ["root", "root@buildbot"],
      ],
      [[1], [2], [3], [4], [5], [6]],
    ],
    [
      "a shared generic local part (info@, me@) says nothing even with equal names",
      [
        ["Sam Gross", "info@gross.dev"],
        ["Sam Grosse", "info@colesbury.com"],
      ],
      [[1], [2]],
    ],
    [
      "the same local part with names that disagree is two people",
      [
        ["Mark Shannon", "mshannon@example.org"],
        ["Mike Shannon", "mshannon@example.com"],
      ],
      [[1], [2]],
    ],
  ])("%s", (_, sightings, expected) => {
    expect(clusterIds(sightings)).toEqual(expected);
  });

  it("says which rule made each merge", () => {
    const { clusters } = resolveIdentities(
      records([
        ["Ken Jin", "kenjin@python.org"],
        ["Ken Jin", "28750310+Fidget-Spinner@users.noreply.github.com"],
        ["Fidget-Spinner", null, "Fidget-Spinner"],
        ["Brandt Bucher", "brandtbucher@microsoft.com"],
        ["brandtbucher", "BrandtBucher@microsoft.com"],
      ]),
    );
    expect(clusters.map((c) => c.merges.map((m) => [m.from, m.to, m.rule, m.detail]))).toEqual([
      [
        [2, 3, "GitHub login", "fidget-spinner"],
        [1, 2, "same full name", "ken jin"],
      ],
      [[4, 5, "same e-mail", "brandtbucher@microsoft.com"]],
    ]);
  });
});

describe("resolveIdentities: stewards' corrections", () => {
  const ids = (sightings: Sighting[], entries: IdentityEntry[], corrections: IdentityCorrection[]) =>
    resolveIdentities(records(sightings), entries, corrections).clusters.map((c) => c.ids);
  // Two Bob Smiths the full-name rule takes for one; the second also wrote with no e-mail at all.
  const bobs: Sighting[] = [
    ["Bob Smith", "bob@example.org"],
    ["Bob Smith", "rsmith@corp.example"],
    ["Bob Smith", null],
    ["bsmith", null, "bsmith"],
  ];

  it("keys a sighting by its e-mail, else its @login, else its name", () => {
    expect(records(bobs).map(correctionKey)).toEqual([
      "bob@example.org",
      "rsmith@corp.example",
      "Bob Smith",
      "@bsmith",
    ]);
  });

  it("a merge joins what no rule would, and undoing it (dropping it) leaves the rules' answer", () => {
    expect(ids(bobs, [], [])).toEqual([[1, 2, 3], [4]]);
    const merge: IdentityCorrection = { id: 1, kind: "merge", members: ["bob@example.org", "@bsmith"], reason: "r" };
    const result = resolveIdentities(records(bobs), [], [merge]);
    expect(result.clusters.map((c) => c.ids)).toEqual([[1, 2, 3, 4]]);
    expect(result.clusters[0]?.merges).toContainEqual({
      from: 1,
      to: 4,
      rule: "steward correction",
      detail: "correction 1: r",
    });
  });

  it("a split keeps its two sides apart and each side whole, even where only the other side joined them", () => {
    const split: IdentityCorrection = {
      id: 1,
      kind: "split",
      members: ["bob@example.org"],
      splitOff: ["rsmith@corp.example", "Bob Smith"],
      reason: "two Bob Smiths",
    };
    // Without the split's own merge, 2 and 3 would each be refused by record 1 and end up alone.
    expect(ids(bobs, [], [split])).toEqual([[1], [2, 3], [4]]);
  });

  it("a name key names only the name-only sighting, not everybody seen with that name", () => {
    const merge: IdentityCorrection = { id: 1, kind: "merge", members: ["Bob Smith", "@bsmith"], reason: "r" };
    const sightings: Sighting[] = [
      ["Bob Smith", "bob@example.org"],
      ["Bob Smith", null],
      ["bsmith", null, "bsmith"],
    ];
    expect(ids(sightings, [{ keepApart: ["bob@example.org", "@bsmith"] }], [merge])).toEqual([[1], [2, 3]]);
  });

  it("the configuration beats every correction, whichever way", () => {
    const split: IdentityCorrection = {
      id: 1,
      kind: "split",
      members: ["bob@example.org"],
      splitOff: ["rsmith@corp.example"],
      reason: "r",
    };
    expect(ids(bobs, [{ merge: ["bob@example.org", "rsmith@corp.example"] }], [split])).toEqual([[1, 2, 3], [4]]);
    const merge: IdentityCorrection = { id: 2, kind: "merge", members: ["bob@example.org", "@bsmith"], reason: "r" };
    const result = resolveIdentities(records(bobs), [{ keepApart: ["bob@example.org", "@bsmith"] }], [merge]);
    expect(result.clusters.map((c) => c.ids)).toEqual([[1, 2, 3], [4]]);
    expect(result.refused).toContainEqual(expect.objectContaining({ rule: "steward correction", keptApartBy: 0 }));
  });

  it("a later correction beats an earlier one", () => {
    const merge = (id: number): IdentityCorrection => ({
      id,
      kind: "merge",
      members: ["bob@example.org", "rsmith@corp.example", "Bob Smith"],
      reason: "one Bob",
    });
    const split = (id: number): IdentityCorrection => ({
      id,
      kind: "split",
      members: ["bob@example.org"],
      splitOff: ["rsmith@corp.example", "Bob Smith"],
      reason: "two Bobs",
    });
    expect(ids(bobs, [], [merge(1), split(2)])).toEqual([[1], [2, 3], [4]]);
    expect(ids(bobs, [], [split(1), merge(2)])).toEqual([[1, 2, 3], [4]]);
    const refused = resolveIdentities(records(bobs), [], [merge(1), split(2)]).refused;
    expect(refused).toContainEqual(expect.objectContaining({ keptApartBy: -1, correction: 2 }));
  });

  it("a split holds against the login rule for identities that come later", () => {
    const sightings: Sighting[] = [...bobs, ["Robert Smith", "12345+bsmith@users.noreply.github.com"]];
    const split: IdentityCorrection = {
      id: 1,
      kind: "split",
      members: ["bob@example.org", "rsmith@corp.example", "Bob Smith"],
      splitOff: ["@bsmith"],
      reason: "r",
    };
    // The noreply sighting came after the split; the login rule puts it with @bsmith, on the split-off side.
    expect(ids(sightings, [], [split])).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });
});

describe("resolveIdentities: configuration entries win over the rules", () => {
  const erics: Sighting[] = [
    ["Éric Araujo", "merwok@netwok.org"],
    ["Éric Araujo", "earaujo@caravan.coop"],
    ["Éric", "merwok@users.noreply.github.com"],
  ];

  it("keepApart beats the full-name rule", () => {
    expect(clusterIds(erics)).toEqual([[1, 2], [3]]);
    const entries: IdentityEntry[] = [
      { keepApart: ["merwok@netwok.org", "earaujo@caravan.coop"], reason: "two people called Éric Araujo" },
    ];
    const result = resolveIdentities(records(erics), entries);
    expect(result.clusters.map((c) => c.ids)).toEqual([[1], [2], [3]]);
    expect(result.refused).toMatchObject([{ from: 1, to: 2, rule: "same full name", keptApartBy: 0 }]);
  });

  it("keepApart beats a merge entry and the login rule, and holds across a chain of rules", () => {
    const sightings: Sighting[] = [
      ["Sam Gross", "sam@a.org"],
      ["Sam Gross", "colesbury@gmail.com"],
      ["colesbury", null, "colesbury"],
      ["Sam Gross", "12345+colesbury@users.noreply.github.com"],
    ];
    expect(clusterIds(sightings)).toEqual([[1, 2, 3, 4]]);
    const entries: IdentityEntry[] = [
      { merge: ["sam@a.org", "@colesbury"] },
      { keepApart: ["sam@a.org", "@colesbury"] },
    ];
    // Record 2 joins neither side by login, so the name rule puts it with the first Sam it meets.
    expect(clusterIds(sightings, entries)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it("a merge entry joins what no rule would, by e-mail, @login or exact name", () => {
    const sightings: Sighting[] = [
      ["Éric", "merwok@netwok.org"],
      ["merwok", null, "merwok"],
      ["É. A.", "earaujo@caravan.coop"],
      ["Sam", "sam@a.org"],
    ];
    expect(clusterIds(sightings)).toEqual([[1], [2], [3], [4]]);
    const entries: IdentityEntry[] = [{ merge: ["merwok@netwok.org", "@merwok", "É. A."], reason: "one Éric" }];
    const result = resolveIdentities(records(sightings), entries);
    expect(result.clusters.map((c) => c.ids)).toEqual([[1, 2, 3], [4]]);
    expect(result.clusters[0]?.merges.map((m) => m.rule)).toEqual(["configured merge", "configured merge"]);
  });
});

describe("the identities configuration", () => {
  const base = { project: { repository: "python/cpython" }, stages: [{ id: "backend", name: "Backend" }] };
  const parse = (identities: unknown) => parseConfig(JSON.stringify({ ...base, identities }), "steward.config.json");

  it("defaults to no entries and reads merge and keepApart entries", () => {
    expect(parseConfig(JSON.stringify(base), "steward.config.json").identities).toEqual([]);
    expect(
      parse([
        { merge: ["brandtbucher@gmail.com", "@brandtbucher"] },
        { keepApart: ["merwok@netwok.org", "earaujo@caravan.coop"], reason: "two Érics" },
      ]).identities,
    ).toEqual([
      { merge: ["brandtbucher@gmail.com", "@brandtbucher"] },
      { keepApart: ["merwok@netwok.org", "earaujo@caravan.coop"], reason: "two Érics" },
    ]);
  });

  it.each([
    [[{ merge: ["a@b.org"] }], "identities.0.merge: must list at least two identities to join"],
    [[{ reason: "x" }], 'identities.0: must have either "merge" or "keepApart"'],
    [[{ merge: ["a@b.org", "c@d.org"], keepApart: ["a@b.org", "c@d.org"] }], 'must have either "merge" or "keepApart"'],
    [
      [{ keepApart: ["a@b.org", " "] }],
      "identities.0.keepApart.1: must be an e-mail address, a GitHub @login or a name",
    ],
    [[{ merge: ["a@b.org", "c@d.org"], mrege: [] }], "identities.0: Unrecognized key(s) in object: 'mrege'"],
  ])("refuses %j with a message naming the key", (identities, message) => {
    expect(() => parse(identities)).toThrow(ConfigError);
    expect(() => parse(identities)).toThrow(message);
  });

  it("has a version of its own that the other keys do not change", () => {
    const a = parse([]);
    const b = parse([{ keepApart: ["merwok@netwok.org", "earaujo@caravan.coop"] }]);
    expect(identityVersion(a)).not.toBe(identityVersion(b));
    expect(identityVersion({ ...a, bots: ["*[bot]"] })).toBe(identityVersion(a));
  });
});

describe("co-author trailers with odd shapes keep their e-mail or login", () => {
  it.each([
    ["Gregory P. Smith <greg@krypto.org> [Google, LLC]", { name: "Gregory P. Smith", email: "greg@krypto.org" }],
    ["Christopher Chavez chrischavez@gmx.us", { name: "Christopher Chavez", email: "chrischavez@gmx.us" }],
    ["@sunmy2019", { name: "sunmy2019", login: "sunmy2019" }],
    [
      "Ken Jin <28750310+Fidget-Spinner@users.noreply.github.com>",
      { name: "Ken Jin", email: "28750310+Fidget-Spinner@users.noreply.github.com" },
    ],
    ["<b>Erlend</b> Aasland <erlend@python.org>", { name: "Erlend Aasland", email: "erlend@python.org" }],
    ['"Pablo Galindo" <pablogsal@gmail.com>', { name: "Pablo Galindo", email: "pablogsal@gmail.com" }],
    ["<mdk@python.org>", { name: "mdk", email: "mdk@python.org" }],
    ["Name Only", { name: "Name Only" }],
    ["   ", null],
  ])("%s", (value, expected) => {
    expect(parseCoAuthor(value)).toEqual(expected);
  });

  it("reads them from a CPython commit message", () => {
    const facts = parseCommitMessage(
      [
        "gh-100982: Add COMPARE_AND_BRANCH instruction (#100983)",
        "",
        "Co-authored-by: Gregory P. Smith <greg@krypto.org> [Google, LLC]",
        "Co-authored-by: @sunmy2019",
      ].join("\n"),
    );
    expect(facts.coAuthors).toEqual([
      { name: "Gregory P. Smith", email: "greg@krypto.org" },
      { name: "sunmy2019", login: "sunmy2019" },
    ]);
  });
});
