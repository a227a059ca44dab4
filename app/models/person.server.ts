import { sql } from "kysely";
import type { Database, Executor } from "../../db/database";
import { isBot, type CompiledConfig } from "../stewardship/config";
import {
  displayName,
  identityKeys,
  identityLogin,
  type IdentityKey,
  type PersonIdentity,
} from "../stewardship/identity";
import { chunk, insertRows } from "./columns.server";
import { larger } from "./dialect.server";

const keyOf = (kind: string, value: string) => `${kind}:${value}`;

interface KnownIdentity {
  id: number;
  personId: number;
}

/**
 * Maps identities to person ids, creating people on first sight. Loads the identity table once, so a
 * bulk import resolves tens of thousands of authors without a query each; one resolver serves one
 * import and must only be used inside the transactions of that import. It joins a sighting to a person
 * only by an exact e-mail or login; the rules that join more (names, local parts, the configuration's
 * entries) run over all stored identities afterwards, in `resolveStoredIdentities`.
 */
export class PeopleResolver {
  #known = new Map<string, KnownIdentity>();

  private constructor(private readonly config: CompiledConfig) {}

  static async load(db: Executor, config: CompiledConfig): Promise<PeopleResolver> {
    const resolver = new PeopleResolver(config);
    await resolver.reload(db);
    return resolver;
  }

  /** Resolves within `trx`; a person created here exists only if `trx` commits, so call `reload` after a rollback. */
  async resolve(trx: Executor, identity: PersonIdentity): Promise<number> {
    return (await this.resolveSighting(trx, identity)).personId;
  }

  /**
   * `resolveSighting` for an identity whose every key is already stored and cached: answered without a
   * query (or a promise). Undefined when any key is new, for `resolveSighting` to store.
   */
  resolveKnown(identity: PersonIdentity): { personId: number; identityId: number } | undefined {
    let found: KnownIdentity | undefined;
    for (const key of identityKeys(identity)) {
      const known = this.#known.get(keyOf(key.kind, key.value));
      if (!known) return undefined;
      found ??= known;
    }
    return found && { personId: found.personId, identityId: found.id };
  }

  /**
   * Like `resolve`, and also says which stored identity the sighting was credited under (its login,
   * else its e-mail, else its name), for the contribution's row to keep.
   */
  async resolveSighting(trx: Executor, identity: PersonIdentity): Promise<{ personId: number; identityId: number }> {
    const keys = identityKeys(identity);
    let personId: number | undefined;
    for (const key of keys) {
      personId = this.#known.get(keyOf(key.kind, key.value))?.personId;
      if (personId !== undefined) break;
    }
    const login = identityLogin(identity);
    if (personId === undefined) {
      const name = displayName(identity);
      const bot = isBot(this.config, login ?? name) ? 1 : 0;
      const existingLogin = login
        ? await trx.selectFrom("people").select("id").where("login", "=", login).executeTakeFirst()
        : undefined;
      personId =
        existingLogin?.id ??
        Number(
          (
            await trx
              .insertInto("people")
              .values({ login, name, isBot: bot, avatarUrl: null })
              .returning("id")
              .executeTakeFirstOrThrow()
          ).id,
        );
    }
    let identityId: number | undefined;
    for (const key of keys) {
      const id = keyOf(key.kind, key.value);
      let known = this.#known.get(id);
      if (!known) {
        const row = await trx
          .insertInto("identities")
          .values({ personId, kind: key.kind, value: key.value, name: identity.name.trim(), login })
          .onConflict((oc) =>
            oc.columns(["kind", "value"]).doUpdateSet({ login: sql`coalesce(identities.login, excluded.login)` }),
          )
          .returning(["id", "personId"])
          .executeTakeFirstOrThrow();
        known = { id: Number(row.id), personId: row.personId };
        this.#known.set(id, known);
      }
      identityId ??= known.id;
    }
    if (identityId === undefined) throw new Error("an identity always has at least one key");
    return { personId, identityId };
  }

  /**
   * `resolveSighting` for many sightings, in order, with a handful of statements in all rather than a
   * few per new person: a first import meets hundreds of people. The people and identities it creates,
   * the ids they get and what each sighting resolves to are those of calling `resolveSighting` on each
   * sighting in turn.
   */
  async resolveSightings(
    trx: Executor,
    identities: PersonIdentity[],
  ): Promise<Array<{ personId: number; identityId: number }>> {
    // A person or identity is either stored (an id) or one of those this call creates (an index).
    type PersonRef = { id: number } | { newPerson: number } | { ofIdentity: number };
    type IdentityRef = { id: number; personId: number } | { newIdentity: number };
    const newPeople: Array<{ login: string | null; name: string; isBot: number; avatarUrl: null }> = [];
    const newIdentities: Array<{
      person: PersonRef;
      kind: IdentityKey["kind"];
      value: string;
      name: string;
      login: string | null;
    }> = [];
    const created = new Map<string, IdentityRef>();
    const lookup = (key: string): IdentityRef | undefined => this.#known.get(key) ?? created.get(key);
    const personOf = (ref: IdentityRef): PersonRef =>
      "id" in ref ? { id: ref.personId } : { ofIdentity: ref.newIdentity };

    // resolveSighting looks a new person's login up among the stored people; a login first seen in
    // this call is an identity by then, so one query before the walk answers the same.
    const unseen = identities.filter((identity) =>
      identityKeys(identity).every((key) => !lookup(keyOf(key.kind, key.value))),
    );
    const logins = [...new Set(unseen.flatMap((identity) => identityLogin(identity) ?? []))];
    const loginHolders = new Map<string, number>();
    for (const part of chunk(logins, 1)) {
      const rows = await trx.selectFrom("people").select(["id", "login"]).where("login", "in", part).execute();
      for (const row of rows)
        if (row.login !== null && !loginHolders.has(row.login)) loginHolders.set(row.login, row.id);
    }

    const sightings = identities.map((identity) => {
      const keys = identityKeys(identity);
      let person: PersonRef | undefined;
      for (const key of keys) {
        const ref = lookup(keyOf(key.kind, key.value));
        if (ref) {
          person = personOf(ref);
          break;
        }
      }
      const login = identityLogin(identity);
      if (!person) {
        const holder = login ? loginHolders.get(login) : undefined;
        if (holder !== undefined) person = { id: holder };
        else {
          const name = displayName(identity);
          newPeople.push({ login, name, isBot: isBot(this.config, login ?? name) ? 1 : 0, avatarUrl: null });
          person = { newPerson: newPeople.length - 1 };
        }
      }
      let identityRef: IdentityRef | undefined;
      for (const key of keys) {
        const id = keyOf(key.kind, key.value);
        let ref = lookup(id);
        if (!ref) {
          newIdentities.push({ person, kind: key.kind, value: key.value, name: identity.name.trim(), login });
          ref = { newIdentity: newIdentities.length - 1 };
          created.set(id, ref);
        }
        identityRef ??= ref;
      }
      if (!identityRef) throw new Error("an identity always has at least one key");
      return { person, identity: identityRef };
    });

    const personIds = await insertRows(trx, "people", ["login", "name", "isBot", "avatarUrl"], newPeople, {
      returning: "id",
    });
    const stored: Array<{ id: number; personId: number }> = [];
    const personId = (ref: PersonRef): number => {
      if ("id" in ref) return ref.id;
      if ("newPerson" in ref) return personIds[ref.newPerson] ?? 0;
      return stored[ref.ofIdentity]?.personId ?? 0;
    };
    for (const part of chunk(newIdentities, 5)) {
      const rows = await trx
        .insertInto("identities")
        .values(
          part.map(({ person, kind, value, name, login }) => ({
            personId: personId(person),
            kind,
            value,
            name,
            login,
          })),
        )
        .onConflict((oc) =>
          oc.columns(["kind", "value"]).doUpdateSet({ login: sql`coalesce(identities.login, excluded.login)` }),
        )
        .returning(["id", "personId"])
        .execute();
      for (const row of rows) stored.push({ id: Number(row.id), personId: row.personId });
    }
    for (const [key, ref] of created) {
      if ("newIdentity" in ref) {
        const row = stored[ref.newIdentity];
        if (row) this.#known.set(key, row);
      }
    }
    return sightings.map(({ person, identity }) => ({
      personId: personId(person),
      identityId: "id" in identity ? identity.id : (stored[identity.newIdentity]?.id ?? 0),
    }));
  }

  /** Points cached identities of a person merged away at the person they were merged into. */
  remap(dropped: number, kept: number): void {
    for (const known of this.#known.values()) if (known.personId === dropped) known.personId = kept;
  }

  /** Drops cached ids after a rolled-back transaction so they are not reused. */
  async reload(db: Executor): Promise<void> {
    this.#known.clear();
    const rows = await db.selectFrom("identities").select(["id", "kind", "value", "personId"]).execute();
    for (const row of rows) this.#known.set(keyOf(row.kind, row.value), { id: row.id, personId: row.personId });
  }
}

export interface PersonProfile {
  id: number;
  login: string | null;
  name: string;
  isBot: boolean;
  avatarUrl: string | null;
  firstContributionAt: string | null;
  lastContributionAt: string | null;
  contributions: number;
}

/** A person by id, without any e-mail address; a 404 Response when there is none. */
export async function requirePerson(db: Database, id: number): Promise<PersonProfile> {
  // The contributions' times are on the person's rows (contributionOccurredAt): the index by person
  // answers, without a visit to each of a prolific person's tens of thousands of contributions.
  const person = await db
    .selectFrom("people as p")
    .leftJoin("contributionPeople as cp", "cp.personId", "p.id")
    .where("p.id", "=", id)
    .groupBy("p.id")
    .select((eb) => [
      "p.id",
      "p.login",
      "p.name",
      "p.isBot",
      "p.avatarUrl",
      eb.fn.min("cp.contributionOccurredAt").as("firstContributionAt"),
      eb.fn.max("cp.contributionOccurredAt").as("lastContributionAt"),
      eb.fn.count<number>("cp.contributionId").distinct().as("contributions"),
    ])
    .executeTakeFirst();
  if (!person) throw new Response(`No person with id ${id} is known to Steward.`, { status: 404 });
  return { ...person, isBot: person.isBot === 1, contributions: Number(person.contributions) };
}

/** A person's credited work per stage and month, for their activity chart. */
export async function listPersonStageMonths(
  db: Database,
  personId: number,
): Promise<Array<{ stageId: string; month: string; contributions: number }>> {
  const rows = await db
    .selectFrom("stageActivity")
    .where("personId", "=", personId)
    .groupBy(["stageId", sql<string>`substr(occurred_at, 1, 7)`])
    .select((eb) => [
      "stageId",
      sql<string>`substr(occurred_at, 1, 7)`.as("month"),
      eb.fn.countAll<number>().as("contributions"),
    ])
    .orderBy("month")
    .execute();
  return rows.map((r) => ({ stageId: r.stageId, month: r.month, contributions: Number(r.contributions) }));
}

/**
 * Re-applies the configured bot patterns to everyone, so editing `bots` takes effect on people
 * already stored. Returns how many flags changed.
 */
export async function refreshBotFlags(db: Database, config: CompiledConfig): Promise<number> {
  const people = await db.selectFrom("people").select(["id", "login", "name", "isBot"]).execute();
  const changed = people.filter((p) => (isBot(config, p.login ?? p.name) ? 1 : 0) !== p.isBot);
  if (changed.length === 0) return 0;
  await db.transaction().execute(async (trx) => {
    for (const p of changed) {
      await trx
        .updateTable("people")
        .set({ isBot: p.isBot ? 0 : 1 })
        .where("id", "=", p.id)
        .execute();
    }
  });
  return changed.length;
}

/**
 * Records what GitHub says of an account on the person behind a contribution's author: the login
 * (linking a git identity known only by e-mail to its GitHub account), bot status, avatar. When the
 * login already belongs to another stored person (made from reviews, say), the two are one person
 * and are merged. Returns the surviving person's id.
 */
export async function linkGitHubAccount(
  trx: Executor,
  {
    personId,
    identityId = null,
    login,
    isBot,
    avatarUrl,
    people,
  }: {
    personId: number;
    /** The identity the author was credited under: GitHub's link is about that address only. */
    identityId?: number | null;
    login: string;
    isBot: boolean;
    avatarUrl: string | null;
    people: PeopleResolver;
  },
): Promise<number> {
  const value = login.toLowerCase();
  const owner = await trx
    .selectFrom("identities")
    .select("personId")
    .where("kind", "=", "login")
    .where("value", "=", value)
    .executeTakeFirst();
  let keep = personId;
  if (owner && owner.personId !== personId) {
    keep = owner.personId;
    await mergePeople(trx, { keep, drop: personId });
    people.remap(personId, keep);
  } else if (!owner) {
    await trx.insertInto("identities").values({ personId, kind: "login", value, name: login, login: value }).execute();
  }
  // GitHub's word that the author's address is this account's: kept on the identity, so that identity
  // resolution, which regroups identities from what each was seen with, keeps them together. Only that
  // address: the person's others were joined to it by Steward's rules or a steward's merge, which must
  // stay undoable (rows credited before identities were recorded fall back to all of the person's).
  await trx
    .updateTable("identities")
    .set({ login: value })
    .$if(identityId === null, (q) => q.where("personId", "=", keep))
    .$if(identityId !== null, (q) => q.where("id", "=", identityId ?? 0))
    .where("kind", "=", "email")
    .where("login", "is", null)
    .execute();
  await trx
    .updateTable("people")
    .set((eb) => ({ login: value, avatarUrl: avatarUrl ?? eb.ref("avatarUrl"), ...(isBot ? { isBot: 1 } : {}) }))
    .where("id", "=", keep)
    .execute();
  return keep;
}

/** Folds one person into another: identities, contributions, stage activity and claimed tasks move over. */
export async function mergePeople(trx: Executor, { keep, drop }: { keep: number; drop: number }): Promise<void> {
  await trx.updateTable("identities").set({ personId: keep }).where("personId", "=", drop).execute();
  // Where both took part in the same contribution, one row stays, with the stronger weight. (In an upsert,
  // `<table>.weight` is the stored row's and `excluded.weight` the one being moved over.)
  const strongerWeight = (table: string) => larger<number>(trx, sql.ref(`${table}.weight`), sql.ref("excluded.weight"));
  await trx
    .insertInto("contributionPeople")
    .columns(["contributionId", "personId", "role", "weight", "occurredAt", "identityId", "contributionOccurredAt"])
    .expression((eb) =>
      eb
        .selectFrom("contributionPeople")
        .select([
          "contributionId",
          eb.val(keep).as("personId"),
          "role",
          "weight",
          "occurredAt",
          "identityId",
          "contributionOccurredAt",
        ])
        .where("personId", "=", drop),
    )
    .onConflict((oc) =>
      oc.columns(["contributionId", "personId", "role"]).doUpdateSet({ weight: strongerWeight("contributionPeople") }),
    )
    .execute();
  await trx
    .insertInto("stageActivity")
    .columns(["stageId", "contributionId", "personId", "occurredAt", "day", "weight"])
    .expression((eb) =>
      eb
        .selectFrom("stageActivity")
        .select(["stageId", "contributionId", eb.val(keep).as("personId"), "occurredAt", "day", "weight"])
        .where("personId", "=", drop),
    )
    .onConflict((oc) =>
      oc.columns(["stageId", "contributionId", "personId"]).doUpdateSet({ weight: strongerWeight("stageActivity") }),
    )
    .execute();
  await trx
    .updateTable("starterTasks")
    .set({ claimedByPersonId: keep })
    .where("claimedByPersonId", "=", drop)
    .execute();
  await trx.deleteFrom("people").where("id", "=", drop).execute(); // cascades the moved-from rows
}

/** How many people are stored. */
export async function countPeople(db: Database): Promise<number> {
  const row = await db
    .selectFrom("people")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
