import type { Transaction } from "kysely";
import type { Database, Executor } from "../../db/database";
import type { DB, IdentityCorrectionKind } from "../../db/schema";
import type { CompiledConfig } from "../stewardship/config";
import { insertAuditEvent } from "./audit.server";
import { chunk } from "./columns.server";
import {
  correctionIdentity,
  parseCorrectionIdentities,
  resolveStoredIdentities,
  type CorrectionIdentity,
} from "./identity.server";

/**
 * A correction Steward will not make, with the field of the request that is wrong (`people.1`,
 * `identities`, `reason`): the routes answer it with a 400 naming that field.
 */
export class CorrectionRefused extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A person as a correction's audit event records them: their identities shown by name or login only. */
interface PersonIdentities {
  id: number;
  name: string;
  login: string | null;
  identities: string[];
}

interface IdentityRow {
  id: number;
  personId: number;
  kind: "email" | "login" | "name";
  value: string;
  name: string | null;
  login: string | null;
}

async function identitiesOf(db: Executor, personIds: number[]): Promise<IdentityRow[]> {
  if (personIds.length === 0) return [];
  return db
    .selectFrom("identities")
    .select(["id", "personId", "kind", "value", "name", "login"])
    .where("personId", "in", personIds)
    .orderBy("id")
    .execute();
}

async function describePeople(db: Executor, personIds: number[]): Promise<PersonIdentities[]> {
  const ids = [...new Set(personIds)].sort((a, b) => a - b);
  if (ids.length === 0) return [];
  const [people, rows] = await Promise.all([
    db.selectFrom("people").select(["id", "name", "login"]).where("id", "in", ids).orderBy("id").execute(),
    identitiesOf(db, ids),
  ]);
  return people.map((person) => ({
    ...person,
    identities: [
      ...new Set(rows.filter((row) => row.personId === person.id).map((row) => correctionIdentity(row).shown)),
    ],
  }));
}

/** The people holding these identities now. */
async function holders(db: Executor, identityIds: number[]): Promise<number[]> {
  const found = new Set<number>();
  for (const part of chunk(identityIds, 1)) {
    const rows = await db.selectFrom("identities").select("personId").where("id", "in", part).execute();
    for (const row of rows) found.add(row.personId);
  }
  return [...found].sort((a, b) => a - b);
}

/** A person named by id (`12`, `#12`) or GitHub login (`@login`, `login`); null when Steward knows nobody so. */
export async function findPersonId(db: Executor, loginOrId: string | number): Promise<number | null> {
  const text = String(loginOrId).trim();
  const byId = /^#?(\d+)$/.exec(text);
  if (byId?.[1]) {
    const id = Number(byId[1]);
    if (!Number.isSafeInteger(id)) return null;
    const row = await db.selectFrom("people").select("id").where("id", "=", id).executeTakeFirst();
    if (row) return row.id;
  }
  const login = text.replace(/^@/, "").toLowerCase();
  if (!login) return null;
  const row = await db
    .selectFrom("people")
    .select("id")
    .where((eb) => eb(eb.fn("lower", ["login"]), "=", login))
    .orderBy("id")
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * Which of a person's identities an alias names: `@login` (the login and the addresses GitHub linked to
 * it), a name as the person's page shows it, or an e-mail address (the API's callers may know one).
 */
function aliasMatches(row: IdentityRow, alias: string): boolean {
  const text = alias.trim().toLowerCase();
  if (text.startsWith("@")) {
    const login = text.slice(1);
    return (row.kind === "login" && row.value === login) || row.login?.toLowerCase() === login;
  }
  if (text.includes("@")) return row.kind === "email" && row.value.toLowerCase() === text;
  const name = (row.name ?? (row.kind === "name" ? row.value : "")).trim().toLowerCase();
  return name !== "" && name === text;
}

interface CorrectionInput {
  reason: string;
  login: string;
  now: string;
}

async function insertCorrection(
  trx: Transaction<DB>,
  {
    kind,
    identities,
    splitOff = [],
    reason,
    login,
    now,
  }: CorrectionInput & {
    kind: IdentityCorrectionKind;
    identities: CorrectionIdentity[];
    splitOff?: CorrectionIdentity[];
  },
): Promise<number> {
  const { id } = await trx
    .insertInto("identityCorrections")
    .values({
      kind,
      identities: JSON.stringify(identities),
      splitOff: JSON.stringify(splitOff),
      reason,
      createdBy: login,
      createdAt: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return id;
}

const configurationWins =
  "the configuration's `identities` entries say otherwise, and the configuration file is the team's word: edit steward.config.json instead";

/**
 * Records that two people are one, regroups every identity at once so every page shows one person, and
 * writes the audit event, in one transaction. Returns the correction's id and the person they now are
 * (the lower of the two ids).
 */
export async function mergePeopleByCorrection(
  db: Database,
  config: CompiledConfig,
  { people, ...input }: CorrectionInput & { people: [number, number] },
): Promise<{ id: number; personId: number }> {
  if (people[0] === people[1]) throw new CorrectionRefused("people", "names the same person twice");
  return db.transaction().execute(async (trx) => {
    const rows = await identitiesOf(trx, people);
    people.forEach((personId, i) => {
      if (!rows.some((row) => row.personId === personId))
        throw new CorrectionRefused(`people.${i}`, `person ${personId} has no identities to merge by`);
    });
    const before = await describePeople(trx, people);
    const identities = rows.map((row) => ({ ...correctionIdentity(row), personId: row.personId }));
    const id = await insertCorrection(trx, { kind: "merge", identities, ...input });
    await resolveStoredIdentities(trx, config);
    const after = await holders(
      trx,
      rows.map((row) => row.id),
    );
    if (after.length !== 1) throw new CorrectionRefused("people", `they stay apart: ${configurationWins}`);
    await insertAuditEvent(trx, {
      login: input.login,
      action: "merge people",
      subject: `identity-correction ${id}`,
      stageId: null,
      before: { people: before },
      after: { people: await describePeople(trx, after), reason: input.reason },
      occurredAt: input.now,
      personIds: [...people, ...after],
    });
    return { id, personId: after[0] ?? people[0] };
  });
}

/**
 * Records that some of a person's identities (named by `aliases`, see `aliasMatches`) are someone else,
 * regroups every identity at once, and writes the audit event, in one transaction. The identities that
 * stay keep the person's id. Returns the correction's id, the person and the person split off.
 */
export async function splitPersonByCorrection(
  db: Database,
  config: CompiledConfig,
  { personId, aliases, ...input }: CorrectionInput & { personId: number; aliases: string[] },
): Promise<{ id: number; personId: number; splitOffId: number }> {
  return db.transaction().execute(async (trx) => {
    const rows = await identitiesOf(trx, [personId]);
    const selected = new Set<number>();
    aliases.forEach((alias, i) => {
      const matched = rows.filter((row) => aliasMatches(row, alias));
      if (matched.length === 0)
        throw new CorrectionRefused(`identities.${i}`, `"${alias}" is none of person ${personId}'s names or logins`);
      for (const row of matched) selected.add(row.id);
    });
    const leaving = rows.filter((row) => selected.has(row.id));
    const staying = rows.filter((row) => !selected.has(row.id));
    if (leaving.length === 0) throw new CorrectionRefused("identities", "choose at least one identity to split off");
    if (staying.length === 0)
      throw new CorrectionRefused("identities", "would split off every identity and leave nothing of the person");
    const before = await describePeople(trx, [personId]);
    const id = await insertCorrection(trx, {
      kind: "split",
      identities: staying.map(correctionIdentity),
      splitOff: leaving.map(correctionIdentity),
      ...input,
    });
    await resolveStoredIdentities(trx, config, { keepIdsOf: staying.map((row) => row.id) });
    const stayed = await holders(
      trx,
      staying.map((row) => row.id),
    );
    const left = await holders(
      trx,
      leaving.map((row) => row.id),
    );
    if (stayed.some((p) => left.includes(p)))
      throw new CorrectionRefused("identities", `they stay one person: ${configurationWins}`);
    const after = [...stayed, ...left];
    await insertAuditEvent(trx, {
      login: input.login,
      action: "split person",
      subject: `identity-correction ${id}`,
      stageId: null,
      before: { people: before },
      after: { people: await describePeople(trx, after), reason: input.reason },
      occurredAt: input.now,
      personIds: [personId, ...after],
    });
    return { id, personId: stayed.includes(personId) ? personId : (stayed[0] ?? personId), splitOffId: left[0] ?? 0 };
  });
}

/** The identity ids a correction's keys name now. */
async function identityIdsOfKeys(db: Executor, keys: string[]): Promise<Map<string, IdentityRow[]>> {
  const wanted = new Set(keys.map((k) => k.trim().toLowerCase()));
  const values = [...wanted].map((key) => key.replace(/^@/, ""));
  const found = new Map<string, IdentityRow[]>();
  for (const part of chunk(values, 1)) {
    const rows = await db
      .selectFrom("identities")
      .select(["id", "personId", "kind", "value", "name", "login"])
      .where("value", "in", part)
      .execute();
    for (const row of rows) {
      const key = correctionIdentity(row).key.toLowerCase();
      if (wanted.has(key)) found.set(key, [...(found.get(key) ?? []), row]);
    }
  }
  return found;
}

/**
 * Undoes a live correction: the constraint is gone, every identity is regrouped by the rest, and the
 * audit event records the people before and after, in one transaction. Null when there is no such
 * correction.
 */
export async function undoIdentityCorrection(
  db: Database,
  config: CompiledConfig,
  { id, login, now }: { id: number; login: string; now: string },
): Promise<{ personIds: number[] } | null> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("identityCorrections")
      .select(["id", "kind", "identities", "splitOff", "undoneAt", "reason"])
      .where("id", "=", id)
      .executeTakeFirst();
    if (!row) return null;
    if (row.undoneAt !== null)
      throw new CorrectionRefused("id", `correction ${id} was already undone on ${row.undoneAt}`);
    const named = [...parseCorrectionIdentities(row.identities), ...parseCorrectionIdentities(row.splitOff)];
    const byKey = await identityIdsOfKeys(
      trx,
      named.map((i) => i.key),
    );
    const identityIds = [...byKey.values()].flat().map((r) => r.id);
    const formerPersonOf = new Map<number, number>();
    for (const { key, personId } of named) {
      if (personId === undefined) continue;
      for (const identity of byKey.get(key.toLowerCase()) ?? []) formerPersonOf.set(identity.id, personId);
    }
    const beforeIds = await holders(trx, identityIds);
    const before = await describePeople(trx, beforeIds);
    await trx.updateTable("identityCorrections").set({ undoneAt: now, undoneBy: login }).where("id", "=", id).execute();
    await resolveStoredIdentities(trx, config, { formerPersonOf });
    const afterIds = await holders(trx, identityIds);
    await insertAuditEvent(trx, {
      login,
      action: `undo ${row.kind === "merge" ? "merge of people" : "split of a person"}`,
      subject: `identity-correction ${id}`,
      stageId: null,
      before: { people: before },
      after: { people: await describePeople(trx, afterIds) },
      occurredAt: now,
      personIds: [...beforeIds, ...afterIds],
    });
    return { personIds: afterIds };
  });
}

/** One correction as the API and pages show it; null when there is none. */
export async function getIdentityCorrection(db: Executor, id: number): Promise<IdentityCorrectionView | null> {
  return (await listIdentityCorrections(db, { id }))[0] ?? null;
}

export interface IdentityCorrectionView {
  id: number;
  kind: IdentityCorrectionKind;
  reason: string;
  createdBy: string;
  createdAt: string;
  undoneAt: string | null;
  undoneBy: string | null;
  /** A merge: the identities joined; a split: those that stayed. Names and logins only. */
  identities: string[];
  /** A split: the identities split off. */
  splitOff: string[];
  /** Who holds its identities now. */
  people: Array<{ id: number; name: string; login: string | null }>;
}

/**
 * Corrections, the newest first: all of them, only the live ones, or the live ones about one person
 * (those naming any of the person's identities).
 */
export async function listIdentityCorrections(
  db: Executor,
  { live = false, personId, id }: { live?: boolean; personId?: number; id?: number } = {},
): Promise<IdentityCorrectionView[]> {
  let query = db
    .selectFrom("identityCorrections")
    .select(["id", "kind", "reason", "identities", "splitOff", "createdBy", "createdAt", "undoneAt", "undoneBy"])
    .orderBy("id", "desc");
  if (live || personId !== undefined) query = query.where("undoneAt", "is", null);
  if (id !== undefined) query = query.where("id", "=", id);
  const rows = (await query.execute()).map((row) => ({
    ...row,
    joined: parseCorrectionIdentities(row.identities),
    off: parseCorrectionIdentities(row.splitOff),
  }));
  const byKey = await identityIdsOfKeys(
    db,
    rows.flatMap((row) => [...row.joined, ...row.off].map((i) => i.key)),
  );
  const personIdsOf = (row: (typeof rows)[number]) => [
    ...new Set([...row.joined, ...row.off].flatMap((i) => byKey.get(i.key.toLowerCase()) ?? []).map((r) => r.personId)),
  ];
  const chosen = personId === undefined ? rows : rows.filter((row) => personIdsOf(row).includes(personId));
  const people = new Map(
    (await describePeople(db, chosen.flatMap(personIdsOf))).map(({ id, name, login }) => [id, { id, name, login }]),
  );
  return chosen.map((row) => ({
    id: row.id,
    kind: row.kind,
    reason: row.reason,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    undoneAt: row.undoneAt,
    undoneBy: row.undoneBy,
    identities: [...new Set(row.joined.map((i) => i.shown))],
    splitOff: [...new Set(row.off.map((i) => i.shown))],
    people: personIdsOf(row).flatMap((id) => people.get(id) ?? []),
  }));
}
