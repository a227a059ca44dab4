import { randomBytes } from "node:crypto";
import type { Database } from "../../db/database";
import type { NewStarterTask } from "../../db/schema";
import { insertContributions, type NewContribution } from "../../app/models/contribution.server";
import { PeopleResolver } from "../../app/models/person.server";
import type { FileChange } from "../../app/stewardship/classify";
import type { CompiledConfig } from "../../app/stewardship/config";
import { addDays } from "../../app/stewardship/metrics";
import type { PersonIdentity } from "../../app/stewardship/identity";

export const people = {
  alice: { name: "Alice Liddell", email: "alice@example.org", login: "alice-l" },
  bob: { name: "Bob Builder", email: "1234+bobb@users.noreply.github.com" },
  carol: { name: "Carol Danvers", email: "carol@example.org" },
  dave: { name: "Dave Lister", email: "dave@example.org" },
  erin: { name: "Erin Hannon", email: "erin@example.org" },
  frank: { name: "Frank Poole", email: "frank@example.org" },
  bot: { name: "Miss Islington (bot)", email: "31488909+miss-islington@users.noreply.github.com" },
} satisfies Record<string, PersonIdentity>;

export const stageFiles = {
  frontend: [{ path: "Python/optimizer.c", added: 30, deleted: 4 }],
  "middle-end": [
    { path: "Python/optimizer_bytecodes.c", added: 12, deleted: 3 },
    { path: "Python/optimizer_cases.c.h", added: 20, deleted: 8 },
  ],
  backend: [{ path: "Python/jit.c", added: 25, deleted: 5 }],
} satisfies Record<string, FileChange[]>;

/** A git-style commit on `day` (YYYY-MM-DD) with a random sha. */
export function commit(options: {
  day: string;
  title: string;
  author: PersonIdentity;
  files: FileChange[];
  coAuthors?: PersonIdentity[];
  refs?: number[];
  pr?: number;
}): NewContribution {
  return {
    kind: "commit",
    source: "git",
    sha: randomBytes(20).toString("hex"),
    prNumber: options.pr ?? null,
    title: options.title,
    occurredAt: `${options.day}T12:00:00Z`,
    refs: options.refs ?? [],
    labels: [],
    files: options.files,
    people: [
      { identity: options.author, role: "author" },
      ...(options.coAuthors ?? []).map((identity) => ({ identity, role: "co-author" as const })),
    ],
  };
}

export async function store(db: Database, config: CompiledConfig, items: NewContribution[]): Promise<void> {
  const resolver = await PeopleResolver.load(db, config);
  await db.transaction().execute((trx) => insertContributions(trx, { config, people: resolver, items }));
}

/**
 * A small history with known answers, as of `asOf` with the default 180-day window and min 2:
 * middle-end: alice (2 in window; bob has 1 in window + 1 too old; the bot has 3) → 1, at risk;
 * backend: carol and dave → 2, met; frontend: erin → 1, at risk (co-author frank counts once);
 * frank's 300-file sweep grazes the middle-end and earns nothing.
 */
export function knownHistory(asOf: string): NewContribution[] {
  const ago = (days: number) => addDays(asOf, -days);
  const me = stageFiles["middle-end"];
  return [
    commit({
      day: ago(60),
      title: "gh-134584: Eliminate redundant refcounting from _BINARY_OP (#135001)",
      author: people.alice,
      files: me,
      refs: [134584],
      pr: 135001,
    }),
    commit({
      day: ago(20),
      title: "gh-134584: Eliminate redundant refcounting from _LOAD_ATTR (#135002)",
      author: people.alice,
      files: me,
      refs: [134584],
      pr: 135002,
    }),
    commit({ day: ago(10), title: "Tighten the symbol lattice", author: people.bob, files: me }),
    commit({ day: ago(400), title: "Early optimizer work", author: people.bob, files: me }),
    ...[5, 6, 7].map((d) =>
      commit({ day: ago(d), title: `[3.14] Backport optimizer fix ${d}`, author: people.bot, files: me }),
    ),
    commit({
      day: ago(100),
      title: "GH-140000: Smaller stencils (#140001)",
      author: people.carol,
      files: stageFiles.backend,
      pr: 140001,
    }),
    commit({ day: ago(90), title: "JIT: AArch64 veneers", author: people.carol, files: stageFiles.backend }),
    commit({ day: ago(80), title: "JIT: Windows unwind info", author: people.dave, files: stageFiles.backend }),
    commit({ day: ago(30), title: "JIT: LLVM 20", author: people.dave, files: stageFiles.backend }),
    commit({ day: ago(50), title: "Record traces through calls", author: people.erin, files: stageFiles.frontend }),
    commit({
      day: ago(40),
      title: "Trace side exits",
      author: people.erin,
      files: stageFiles.frontend,
      coAuthors: [people.frank],
    }),
    commit({
      day: ago(15),
      title: "gh-127000: Rename the private C API everywhere (#127001)",
      author: people.frank,
      files: [
        ...Array.from({ length: 299 }, (_, i) => ({ path: `Modules/_mod${i}.c`, added: 2, deleted: 2 })),
        { path: "Python/optimizer_analysis.c", added: 2, deleted: 2 },
      ],
      pr: 127001,
    }),
    commit({
      day: ago(12),
      title: "Tidy the eval loop",
      author: people.frank,
      files: [{ path: "Python/ceval.c", added: 9, deleted: 9 }],
    }),
  ];
}

export function starterTask(task: Partial<NewStarterTask> & { key: string; title: string }): NewStarterTask {
  return {
    stageId: "middle-end",
    issueNumber: 134584,
    umbrellaNumber: 134584,
    state: "open",
    claimedByPersonId: null,
    claimEvidence: null,
    labels: "[]",
    source: "demo",
    updatedAt: "2026-01-01T00:00:00Z",
    ...task,
  };
}
