/** One appearance of a person in the data: a commit author, a co-author trailer, a GitHub account. */
export interface PersonIdentity {
  name: string;
  email?: string | null;
  login?: string | null;
}

export interface IdentityKey {
  kind: "email" | "login" | "name";
  value: string;
}

// GitHub's noreply addresses carry the login: `12345+login@users.noreply.github.com` (since 2017)
// or `login@users.noreply.github.com` (older accounts).
const noreply = /^(?:\d+\+)?([a-z\d](?:[a-z\d-]*[a-z\d])?(?:\[bot\])?)@users\.noreply\.github\.com$/i;

export function loginFromEmail(email: string): string | null {
  return noreply.exec(email.trim())?.[1]?.toLowerCase() ?? null;
}

/**
 * The keys under which an identity is known, strongest first. The name is a key only when nothing
 * else is known, because two different people can share a name.
 */
export function identityKeys(identity: PersonIdentity): IdentityKey[] {
  const keys: IdentityKey[] = [];
  const login = identity.login?.trim().toLowerCase() || (identity.email ? loginFromEmail(identity.email) : null);
  if (login) keys.push({ kind: "login", value: login });
  const email = identity.email?.trim().toLowerCase();
  if (email && email.includes("@")) keys.push({ kind: "email", value: email });
  if (keys.length === 0) keys.push({ kind: "name", value: identity.name.trim().toLowerCase() });
  return keys;
}

export function identityLogin(identity: PersonIdentity): string | null {
  return identityKeys(identity).find((key) => key.kind === "login")?.value ?? null;
}

/** A name to show: the identity's own name, or its login, never its e-mail address. */
export function displayName(identity: PersonIdentity): string {
  const name = identity.name.trim();
  if (name && !name.includes("@")) return name;
  return identityLogin(identity) ?? "unknown contributor";
}

/**
 * Parses a `Co-authored-by: Name <email>` trailer value (the part after the colon).
 * Returns null for values that carry no usable identity.
 */
export function parseCoAuthor(value: string): PersonIdentity | null {
  const match = /^\s*(.*?)\s*<([^>]*)>\s*$/.exec(value);
  if (!match) {
    const name = value.trim();
    return name ? { name } : null;
  }
  const name = match[1] ?? "";
  const email = (match[2] ?? "").trim();
  if (!name && !email) return null;
  return { name: name || email.split("@")[0] || "unknown", email: email || null };
}
