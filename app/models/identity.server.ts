import { Transaction } from "kysely";
import type { Executor } from "../../db/database";
import type { ContributionRole, DB } from "../../db/schema";
import { isBot, type CompiledConfig } from "../stewardship/config";
import { displayName, loginFromEmail, parseCoAuthor } from "../stewardship/identity";
import {
  correctionKey,
  resolveIdentities,
  type IdentityCorrection,
  type IdentityRecord,
} from "../stewardship/identity-resolution";
import { reclassifyContributions } from "./classification.server";
import { chunk } from "./columns.server";
import { getMeta, setMeta } from "./meta.server";

/** The meta key holding the identity version (see `identityVersion`) the stored people were resolved under. */
const IDENTITY_VERSION_KEY = "identity.version";

export interface IdentityResolutionReport {
  /** People folded into another person because the rules or the configuration say they are one. */
  merged: number;
  /** People created for identities split off a person (a keepApart entry, a changed rule). */
  split: number;
  /** Contributions whose credited people changed, and so their stage activity. */
  contributions: number;
}

/** True when the stored people were resolved under another identity version than the configuration's. */
export async function identitiesStale(db: Executor, config: CompiledConfig): Promise<boolean> {
  return (await getMeta(db, IDENTITY_VERSION_KEY)) !== config.identityVersion;
}

interface StoredIdentity {
  id: number;
  personId: number;
  kind: "email" | "login" | "name";
  value: string;
  name: string | null;
  login: string | null;
}

// Before trailers were parsed well, a whole odd trailer (`Gregory P. Smith <greg@krypto.org> [Google, LLC]`,
// `@sunmy2019`) was stored as a name identity, lower-cased.
const legacyTrailer = (row: Pick<StoredIdentity, "kind" | "value">) => row.kind === "name" && /[<@]/.test(row.value);

function toRecord(row: Pick<StoredIdentity, "id" | "kind" | "value" | "name" | "login">): IdentityRecord {
  const trailer = legacyTrailer(row) ? parseCoAuthor(row.value) : null;
  if (trailer) return { id: row.id, name: trailer.name, email: trailer.email ?? null, login: trailer.login ?? null };
  return {
    id: row.id,
    name: row.name ?? (row.kind === "name" ? row.value : ""),
    email: row.kind === "email" ? row.value : null,
    login: row.kind === "login" ? row.value : row.login,
  };
}

interface PartRow {
  contributionId: number;
  personId: number;
  role: ContributionRole;
  weight: number;
  occurredAt: string | null;
  identityId: number | null;
  contributionOccurredAt: string;
}

/** One key of a correction and the name or login to show for it (never an e-mail address). */
export interface CorrectionIdentity {
  key: string;
  shown: string;
  /** A merge: the person the identity belonged to before, so an undo can give them their id back. */
  personId?: number;
}

/** A stored correction's JSON list of identities. */
export function parseCorrectionIdentities(json: string): CorrectionIdentity[] {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) =>
    typeof item === "object" && item !== null && "key" in item && typeof item.key === "string"
      ? [
          {
            key: item.key,
            shown: "shown" in item && typeof item.shown === "string" ? item.shown : "",
            ...("personId" in item && typeof item.personId === "number" ? { personId: item.personId } : {}),
          },
        ]
      : [],
  );
}

/** Stewards' corrections that are not undone, as identity resolution takes them. */
export async function listLiveCorrections(db: Executor): Promise<IdentityCorrection[]> {
  const rows = await db
    .selectFrom("identityCorrections")
    .select(["id", "kind", "identities", "splitOff", "reason"])
    .where("undoneAt", "is", null)
    .orderBy("id")
    .execute();
  return rows.map((row) => {
    const members = parseCorrectionIdentities(row.identities).map((i) => i.key);
    const base = { id: row.id, members, reason: row.reason };
    return row.kind === "merge"
      ? { ...base, kind: "merge" as const }
      : { ...base, kind: "split" as const, splitOff: parseCorrectionIdentities(row.splitOff).map((i) => i.key) };
  });
}

/** A stored identity as a correction keys it, and what a page may show of it: its login or name. */
export function correctionIdentity(
  row: Pick<StoredIdentity, "id" | "kind" | "value" | "name" | "login">,
): CorrectionIdentity {
  const record = toRecord(row);
  const shown = row.kind === "login" ? `@${row.value}` : displayName(record);
  return { key: correctionKey(record), shown };
}

/**
 * Regroups every stored identity into people with the identity rules, the configuration's `identities`
 * entries and stewards' live corrections, and moves stored data to match, in one transaction (`db`'s own
 * when it is one, so a correction commits with its regrouping): each cluster of identities becomes one
 * person (the lowest person id it already had, else a new person for a part split off, which takes back
 * the id its identities had before if `formerPersonOf` says so and the id is free; clusters holding one of
 * `keepIdsOf` choose first, so the side of a split that stays keeps the person's id), people left without
 * identities are deleted, each contribution keeps one row per person and role (the strongest weight), and
 * the contributions whose people changed get their stage activity recomputed through the classifier's own
 * path. Running it again changes nothing.
 */
export async function resolveStoredIdentities(
  db: Executor,
  config: CompiledConfig,
  { keepIdsOf = [], formerPersonOf = new Map() }: { keepIdsOf?: number[]; formerPersonOf?: Map<number, number> } = {},
): Promise<IdentityResolutionReport> {
  const regroup = async (trx: Transaction<DB>): Promise<IdentityResolutionReport> => {
    const identities = await trx
      .selectFrom("identities")
      .select(["id", "personId", "kind", "value", "name", "login"])
      .orderBy("id")
      .execute();
    const byId = new Map(identities.map((row) => [row.id, row]));
    const people = new Map(
      (await trx.selectFrom("people").select(["id", "login", "name", "isBot", "avatarUrl"]).execute()).map((p) => [
        p.id,
        p,
      ]),
    );
    const corrections = await listLiveCorrections(trx);
    const resolved = resolveIdentities(identities.map(toRecord), config.config.identities, corrections).clusters;
    const first = new Set(keepIdsOf);
    // A stable sort: the clusters holding a preferred identity choose their person first.
    const clusters = [...resolved].sort(
      (a, b) => Number(b.ids.some((id) => first.has(id))) - Number(a.ids.some((id) => first.has(id))),
    );

    // Each cluster takes the lowest person id among its identities' people that no earlier cluster took.
    const taken = new Set<number>();
    const target = new Map<number, number>(); // identity id → person id
    const wanted = new Map<number, { name: string; login: string | null; isBot: boolean }>();
    let split = 0;
    // Logins are unique: one held by a person without identities (none should be) stays theirs.
    const withIdentities = new Set(identities.map((row) => row.personId));
    const usedLogins = new Set(
      [...people.values()].flatMap((p) => (p.login !== null && !withIdentities.has(p.id) ? [p.login] : [])),
    );
    for (const cluster of clusters) {
      const members = cluster.ids.flatMap((id) => byId.get(id) ?? []);
      const records = members.map(toRecord);
      const candidates = [...new Set(members.map((m) => m.personId))].sort((a, b) => a - b);
      const reused = candidates.find((id) => !taken.has(id));
      const logins = records.flatMap((r) => r.login?.toLowerCase() ?? (r.email ? loginFromEmail(r.email) : null) ?? []);
      const current = reused === undefined ? undefined : people.get(reused);
      const login =
        [current?.login ?? null, ...logins].find(
          (l): l is string => l !== null && logins.includes(l) && !usedLogins.has(l),
        ) ?? null;
      if (login) usedLogins.add(login);
      // The name to show: the person's own if the cluster still has it, else the earliest real one (a
      // legacy trailer's name is lower-cased, so it comes last).
      const names = [...members.filter((m) => !legacyTrailer(m)), ...members.filter(legacyTrailer)]
        .map((m) => displayName(toRecord(m)))
        .filter((n) => n !== "unknown contributor");
      const name =
        current && (names.includes(current.name) || names.length === 0)
          ? current.name
          : (names[0] ?? "unknown contributor");
      // GitHub's word that an account is a bot stays with the person it was said of.
      const bot =
        isBot(config, login ?? name) ||
        current?.isBot === 1 ||
        (current === undefined && members.every((m) => people.get(m.personId)?.isBot === 1));
      let personId = reused;
      if (personId === undefined) {
        // An undone merge gives the person split off again the id (and so the page address) they had.
        const former = members
          .flatMap((m) => formerPersonOf.get(m.id) ?? [])
          .sort((a, b) => a - b)
          .find((id) => !people.has(id) && !taken.has(id));
        const inserted = await trx
          .insertInto("people")
          .values({
            ...(former === undefined ? {} : { id: former }),
            login: null,
            name,
            isBot: bot ? 1 : 0,
            avatarUrl: null,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        personId = Number(inserted.id);
        split += 1;
      }
      taken.add(personId);
      wanted.set(personId, { name, login, isBot: bot });
      for (const member of members) target.set(member.id, personId);
    }

    const moved = identities.filter((row) => target.get(row.id) !== row.personId);
    const byTarget = new Map<number, number[]>();
    for (const row of moved) {
      const personId = target.get(row.id) ?? row.personId;
      byTarget.set(personId, [...(byTarget.get(personId) ?? []), row.id]);
    }
    for (const [personId, ids] of byTarget) {
      for (const part of chunk(ids, 1))
        await trx.updateTable("identities").set({ personId }).where("id", "in", part).execute();
    }

    // People who kept no identity are folded into the person their first identity went to.
    const emptied = new Map<number, number>();
    for (const row of identities) {
      if (taken.has(row.personId) || emptied.has(row.personId)) continue;
      emptied.set(row.personId, target.get(row.id) ?? row.personId);
    }

    // Every part is read (and the contributions whose parts change person are rebuilt) only when some
    // part does change person: it was credited under an identity that moved, or to a person who kept no
    // identity. The database answers that without handing every part to JavaScript.
    const emptiedIds = [...emptied.keys()];
    const movedPart = await trx
      .selectFrom("contributionPeople as cp")
      .innerJoin("identities as i", "i.id", "cp.identityId")
      .whereRef("i.personId", "!=", "cp.personId")
      .select("cp.contributionId")
      .limit(1)
      .executeTakeFirst();
    let changesPerson = movedPart !== undefined;
    for (const part of chunk(emptiedIds, 1)) {
      if (changesPerson) break;
      const orphaned = await trx
        .selectFrom("contributionPeople")
        .where("identityId", "is", null)
        .where("personId", "in", part)
        .select("contributionId")
        .limit(1)
        .executeTakeFirst();
      changesPerson = orphaned !== undefined;
    }
    const parts = changesPerson
      ? await trx
          .selectFrom("contributionPeople")
          .select([
            "contributionId",
            "personId",
            "role",
            "weight",
            "occurredAt",
            "identityId",
            "contributionOccurredAt",
          ])
          .execute()
      : [];
    const personOf = (part: PartRow) =>
      (part.identityId !== null ? target.get(part.identityId) : undefined) ??
      emptied.get(part.personId) ??
      part.personId;
    const affected = new Set(parts.filter((part) => personOf(part) !== part.personId).map((p) => p.contributionId));
    const rebuilt = new Map<string, PartRow>();
    for (const part of parts) {
      if (!affected.has(part.contributionId)) continue;
      const row = { ...part, personId: personOf(part) };
      const key = `${row.contributionId}:${row.personId}:${row.role}`;
      const kept = rebuilt.get(key);
      // One row per (contribution, person, role): the strongest weight, then the latest part.
      if (
        !kept ||
        row.weight > kept.weight ||
        (row.weight === kept.weight && (row.occurredAt ?? "") > (kept.occurredAt ?? ""))
      )
        rebuilt.set(key, row);
    }
    const contributionIds = [...affected].sort((a, b) => a - b);
    for (const part of chunk(contributionIds, 1))
      await trx.deleteFrom("contributionPeople").where("contributionId", "in", part).execute();
    for (const part of chunk([...rebuilt.values()], 7))
      await trx.insertInto("contributionPeople").values(part).execute();

    for (const [from, to] of emptied) {
      await trx
        .updateTable("starterTasks")
        .set({ claimedByPersonId: to })
        .where("claimedByPersonId", "=", from)
        .execute();
    }
    // Logins are unique: release the ones that move before giving them to their new people.
    const changed = [...wanted].filter(([id, want]) => {
      const person = people.get(id);
      return !person || person.login !== want.login || person.name !== want.name || person.isBot !== Number(want.isBot);
    });
    const releasing = changed.filter(([id, want]) => (people.get(id)?.login ?? null) !== want.login).map(([id]) => id);
    for (const part of chunk(releasing, 1))
      await trx.updateTable("people").set({ login: null }).where("id", "in", part).execute();
    for (const part of chunk(emptiedIds, 1)) await trx.deleteFrom("people").where("id", "in", part).execute();
    for (const [id, want] of changed) {
      await trx
        .updateTable("people")
        .set({ login: want.login, name: want.name, isBot: want.isBot ? 1 : 0 })
        .where("id", "=", id)
        .execute();
    }

    for (const part of chunk(contributionIds, 1)) await reclassifyContributions(trx, config, part);
    await setMeta(trx, IDENTITY_VERSION_KEY, config.identityVersion);
    return { merged: emptied.size, split, contributions: contributionIds.length };
  };
  return db instanceof Transaction ? regroup(db) : db.transaction().execute(regroup);
}

/** The names and GitHub logins a person joins, for their page; never an e-mail address. */
export async function listPersonAliases(
  db: Executor,
  personId: number,
): Promise<{ names: string[]; logins: string[] }> {
  const rows = await db
    .selectFrom("identities")
    .select(["kind", "value", "name", "login"])
    .where("personId", "=", personId)
    .orderBy("id")
    .execute();
  const names = new Map<string, string>();
  const logins = new Set<string>();
  for (const row of rows) {
    if (legacyTrailer(row)) continue; // its name is a placeholder; the person's other identities name them
    const name = (row.name ?? (row.kind === "name" ? row.value : "")).trim();
    if (name && !name.includes("@") && !names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
    const login = row.kind === "login" ? row.value : row.login;
    if (login && !login.includes("@")) logins.add(login.toLowerCase());
  }
  return { names: [...names.values()], logins: [...logins] };
}
