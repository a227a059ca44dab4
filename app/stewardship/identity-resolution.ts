import { loginFromEmail } from "./identity";

/**
 * Which of a project's identities are one human, in the manner of GrimoireLab's SortingHat and the
 * "gambit" rules of the mining-software-repositories literature. Pure: the caller loads the sightings
 * and applies the clusters.
 */

/** One stored sighting: the name it was seen with and its e-mail or login (either may be missing). */
export interface IdentityRecord {
  id: number;
  name: string;
  email: string | null;
  login: string | null;
}

/** An explicit configuration entry; members are e-mail addresses, `@login`s or exact names. */
export type IdentityEntry = { merge: string[]; reason?: string } | { keepApart: string[]; reason?: string };

export type IdentityRule =
  "configured merge" | "steward correction" | "GitHub login" | "same e-mail" | "same full name" | "e-mail local part";

/** One union that joined two records' clusters, and the rule that caused it. */
export interface IdentityMerge {
  from: number;
  to: number;
  rule: IdentityRule;
  /** What matched: the login, the normalised name, the local part … never an e-mail address. */
  detail: string;
}

export interface IdentityCluster {
  /** Record ids, ascending. */
  ids: number[];
  merges: IdentityMerge[];
}

export interface IdentityResolution {
  /** Every record in exactly one cluster; clusters ordered by their smallest id. */
  clusters: IdentityCluster[];
  /**
   * Unions a rule, merge entry or correction asked for that a keep-apart word refused: the index of the
   * configuration's keepApart entry, or -1 and the id of the correction (a split).
   */
  refused: Array<IdentityMerge & { keptApartBy: number; correction?: number }>;
}

// Local parts that many unrelated people use, so sharing one says nothing.
const genericLocalParts = new Set([
  "info",
  "me",
  "mail",
  "email",
  "contact",
  "hello",
  "hey",
  "hi",
  "admin",
  "root",
  "git",
  "github",
  "dev",
  "developer",
  "noreply",
  "no-reply",
  "user",
  "test",
  "python",
  "office",
  "support",
  "webmaster",
  "postmaster",
  "code",
  "hacker",
  "private",
  "public",
  "nobody",
  "unknown",
  "personal",
  "work",
]);
const MIN_LOCAL_PART = 5;

// Names that tools and careless configurations write for anybody.
const genericNames = new Set([
  "unknown",
  "unknown contributor",
  "root",
  "github",
  "github action",
  "github actions",
  "github enterprise",
  "nobody",
  "anonymous",
  "user",
  "your name",
  "no name",
  "none",
  "n a",
  "administrator",
  "admin",
  "localhost",
  "ubuntu",
  "python dev",
  "python developers",
]);

// Letters NFD leaves whole: Łukasz is written Lukasz as often as not.
const undecomposed: Record<string, string> = { ł: "l", ø: "o", đ: "d", ß: "ss", æ: "ae", œ: "oe", ı: "i", þ: "th" };

/**
 * A full name reduced to what identifies it: accents stripped (NFD), lower case, bracketed notes
 * (`[Google, LLC]`) and punctuation dropped, whitespace collapsed, "Last, First" turned into "First Last".
 */
export function normaliseName(name: string): string {
  let text = name
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[łøđßæœıþ]/g, (letter) => undecomposed[letter] ?? letter)
    .replace(/\[[^\]]*\]|\([^)]*\)/g, " ");
  const parts = text.split(",");
  if (parts.length === 2 && parts[0]?.trim() && parts[1]?.trim()) text = `${parts[1]} ${parts[0]}`;
  return text
    .replace(/['’]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The name's letters and digits only, so "Ken Jin" and "KenJin" agree. */
function compactName(name: string): string {
  return normaliseName(name).replace(/\s+/g, "");
}

/** A name that says nothing about who wrote it: a placeholder, a single word, or an e-mail address. */
export function isGenericName(name: string): boolean {
  return isPlaceholderName(name) || normaliseName(name).split(" ").length < 2;
}

/** A name written for anybody: a tool's placeholder, or an e-mail address standing in for a name. */
function isPlaceholderName(name: string): boolean {
  const normalised = normaliseName(name);
  return name.includes("@") || normalised === "" || genericNames.has(normalised);
}

function effectiveLogin(record: IdentityRecord): string | null {
  return record.login?.trim().toLowerCase() || (record.email ? loginFromEmail(record.email) : null);
}

function localPart(email: string | null): string | null {
  if (!email || loginFromEmail(email)) return null;
  const at = email.lastIndexOf("@");
  if (at <= 0) return null;
  const local = email.slice(0, at).trim().toLowerCase();
  return local.length >= MIN_LOCAL_PART && !genericLocalParts.has(local) ? local : null;
}

/** Which records a configuration entry's member names: an e-mail address, `@login` or an exact name. */
function matchesMember(record: IdentityRecord, member: string): boolean {
  const value = member.trim();
  if (value.startsWith("@")) return effectiveLogin(record) === value.slice(1).toLowerCase();
  if (value.includes("@")) return record.email?.trim().toLowerCase() === value.toLowerCase();
  return record.name.trim() === value;
}

/**
 * The key a correction stores for one sighting, in the configuration's vocabulary: its e-mail address,
 * else `@login`, else its name. A correction's key names only the sighting it was taken from (see
 * `matchesCorrectionKey`), so a correction never sweeps in another person who shares a name.
 */
export function correctionKey(record: IdentityRecord): string {
  const email = record.email?.trim().toLowerCase();
  if (email) return email;
  const login = record.login?.trim().toLowerCase();
  if (login) return `@${login}`;
  return record.name.trim();
}

/** Whether a correction's key is this sighting's own key (case-insensitively). */
export function matchesCorrectionKey(record: IdentityRecord, key: string): boolean {
  return correctionKey(record).toLowerCase() === key.trim().toLowerCase();
}

/**
 * A steward's correction, stored in the database. A merge says all its members are one person; a
 * split says `splitOff` is one person and `members` (what stayed) another, and keeps the two apart.
 * Members are keys as `correctionKey` makes them.
 */
export type IdentityCorrection =
  | { id: number; kind: "merge"; members: string[]; reason: string }
  | { id: number; kind: "split"; members: string[]; splitOff: string[]; reason: string };

/** Where an explicit word ranks: the configuration above every correction, a later correction above an earlier. */
const CONFIGURATION_LEVEL = Number.MAX_SAFE_INTEGER;
// A cluster that already holds two of an entry's groups (a higher word joined them): the entry no longer
// constrains it.
const OVERRULED = -1;

interface ApartEntry {
  level: number;
  /** The configuration entry's index, or the correction's id. */
  by: { entry: number } | { correction: number };
  /** Which group of the entry a record belongs to, if any. */
  groupOf: (record: IdentityRecord) => number | undefined;
}

interface MergeEntry {
  level: number;
  matches: (record: IdentityRecord) => boolean;
  rule: IdentityRule;
  detail: string;
}

/**
 * Clusters identity records. Explicit words come first, from the strongest: the configuration's
 * `identities` entries, then stewards' corrections from the latest; then the rules from the strongest:
 * the same GitHub login, the same e-mail, the same full name of two or more words, the same distinctive
 * e-mail local part where the names agree. Every union checks the keep-apart words (the configuration's
 * keepApart entries, the corrections' splits) first and is refused if it would put members of two of a
 * word's groups into one cluster, unless the union's own word ranks above that keep-apart word: so the
 * configuration beats every correction, a later correction beats an earlier one, and every explicit
 * word beats every rule. Within one rank, keeping apart beats merging.
 */
export function resolveIdentities(
  records: IdentityRecord[],
  entries: IdentityEntry[] = [],
  corrections: IdentityCorrection[] = [],
): IdentityResolution {
  const index = new Map(records.map((r, i) => [r.id, i]));
  const parent = records.map((_, i) => i);
  const merges: IdentityMerge[] = [];
  const refused: IdentityResolution["refused"] = [];

  // Latest first; a correction ranks by its position, so 1 is the oldest.
  const ranked = [...corrections].sort((a, b) => b.id - a.id);
  const levelOf = (correction: IdentityCorrection) => corrections.length - ranked.indexOf(correction);
  const inKeys = (keys: string[]) => (record: IdentityRecord) => keys.some((k) => matchesCorrectionKey(record, k));

  const apartEntries: ApartEntry[] = [];
  const mergeEntries: MergeEntry[] = [];
  entries.forEach((entry, e) => {
    const detail = entry.reason ?? "an identities entry";
    if ("keepApart" in entry) {
      const members = entry.keepApart;
      apartEntries.push({
        level: CONFIGURATION_LEVEL,
        by: { entry: e },
        groupOf: (record) => {
          const m = members.findIndex((member) => matchesMember(record, member));
          return m === -1 ? undefined : m;
        },
      });
    } else {
      const members = entry.merge;
      const matches = (record: IdentityRecord) => members.some((m) => matchesMember(record, m));
      mergeEntries.push({ level: CONFIGURATION_LEVEL, matches, rule: "configured merge", detail });
    }
  });
  for (const correction of ranked) {
    const level = levelOf(correction);
    const detail = `correction ${correction.id}: ${correction.reason}`;
    mergeEntries.push({ level, matches: inKeys(correction.members), rule: "steward correction", detail });
    if (correction.kind === "split") {
      const stay = inKeys(correction.members);
      const leave = inKeys(correction.splitOff);
      mergeEntries.push({ level, matches: leave, rule: "steward correction", detail });
      apartEntries.push({
        level,
        by: { correction: correction.id },
        groupOf: (record) => (stay(record) ? 0 : leave(record) ? 1 : undefined),
      });
    }
  }

  // Per cluster root: for each keep-apart entry it touches, which of that entry's groups it holds.
  const apart = records.map((record) => {
    const tags = new Map<number, number>();
    apartEntries.forEach((entry, e) => {
      const group = entry.groupOf(record);
      if (group !== undefined) tags.set(e, group);
    });
    return tags;
  });

  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] ?? root;
    while (parent[i] !== root) {
      const next = parent[i] ?? root;
      parent[i] = root;
      i = next;
    }
    return root;
  };

  /** Joins a's and b's clusters unless a keep-apart word of at least `level` forbids it; true if joined. */
  const union = (a: number, b: number, rule: IdentityRule, detail: string, level = 0, report = true): boolean => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return true;
    const tagsA = apart[ra] ?? new Map<number, number>();
    const tagsB = apart[rb] ?? new Map<number, number>();
    const from = records[a]?.id ?? a;
    const to = records[b]?.id ?? b;
    for (const [entry, group] of tagsB) {
      const other = tagsA.get(entry);
      if (other === undefined || other === group || other === OVERRULED || group === OVERRULED) continue;
      const word = apartEntries[entry];
      if (word && word.level >= level) {
        if (report) {
          const by = "entry" in word.by ? { keptApartBy: word.by.entry } : { keptApartBy: -1, ...word.by };
          refused.push({ from, to, rule, detail, ...by });
        }
        return false;
      }
    }
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    parent[drop] = keep;
    const keptTags = apart[keep] ?? new Map<number, number>();
    for (const [entry, group] of apart[drop] ?? []) {
      const held = keptTags.get(entry);
      keptTags.set(entry, held === undefined || held === group ? group : OVERRULED);
    }
    merges.push({ from, to, rule, detail });
    return true;
  };

  /** Unions all records sharing a key under `rule`. */
  const unionByKey = (rule: IdentityRule, keyOf: (record: IdentityRecord) => string | null) => {
    const first = new Map<string, number>();
    records.forEach((record, i) => {
      const key = keyOf(record);
      if (key === null) return;
      const j = first.get(key);
      if (j === undefined) first.set(key, i);
      else union(j, i, rule, key);
    });
  };

  for (const entry of mergeEntries) {
    const members = records.flatMap((record, i) => (entry.matches(record) ? [i] : []));
    const [head, ...rest] = members;
    if (head === undefined) continue;
    // Each member tries every earlier one, so a member kept apart from the first still joins the others.
    rest.forEach((i, k) => {
      const joined = [head, ...rest.slice(0, k)].map((j) => union(j, i, entry.rule, entry.detail, entry.level, false));
      if (!joined.some(Boolean)) union(head, i, entry.rule, entry.detail, entry.level);
    });
  }
  unionByKey("GitHub login", effectiveLogin);
  unionByKey("same e-mail", (r) => r.email?.trim().toLowerCase() || null);
  unionByKey("same full name", (r) => (isGenericName(r.name) ? null : normaliseName(r.name)));

  const byLocalPart = new Map<string, number[]>();
  records.forEach((record, i) => {
    const local = localPart(record.email);
    if (local !== null && !isPlaceholderName(record.name))
      byLocalPart.set(local, [...(byLocalPart.get(local) ?? []), i]);
  });
  for (const [local, members] of byLocalPart) {
    for (const [k, i] of members.entries()) {
      for (const j of members.slice(k + 1)) {
        const a = records[i]?.name ?? "";
        const b = records[j]?.name ?? "";
        // "IritKatriel" may agree with "Irit Katriel", but two single words ("achhina") prove nothing.
        const agree = normaliseName(a) === normaliseName(b) || compactName(a) === compactName(b);
        if (agree && !(isGenericName(a) && isGenericName(b))) union(i, j, "e-mail local part", local);
      }
    }
  }

  const clusters = new Map<number, IdentityCluster>();
  records.forEach((record, i) => {
    const root = find(i);
    const cluster = clusters.get(root) ?? { ids: [], merges: [] };
    cluster.ids.push(record.id);
    clusters.set(root, cluster);
  });
  for (const merge of merges) {
    const root = find(index.get(merge.from) ?? 0);
    clusters.get(root)?.merges.push(merge);
  }
  const sorted = [...clusters.values()].map((c) => ({ ...c, ids: [...c.ids].sort((a, b) => a - b) }));
  sorted.sort((a, b) => (a.ids[0] ?? 0) - (b.ids[0] ?? 0));
  return { clusters: sorted, refused };
}
