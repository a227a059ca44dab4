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

// A trailer's e-mail is `<address>` anywhere in the value (`Gregory P. Smith <greg@krypto.org> [Google, LLC]`),
// else a bare address (`Christopher Chavez chrischavez@gmx.us`); failing both, an `@login` (`@sunmy2019`).
const angledEmail = /<\s*([^<>\s]+@[^<>\s]+?)\s*>/;
const angled = /<\s*([^<>]*?)\s*>/;
const bareEmail = /[^\s<>()[\]"'`,;:]+@[^\s<>()[\]"'`,;:]+\.[^\s<>()[\]"'`,;:]+/;
const atLogin = /(?:^|\s)@([a-z\d](?:[a-z\d-]{0,38}[a-z\d])?)(?=[\s,.;:)]|$)/i;

/** What is left of a trailer value to show as a name: no markup, quotes or surrounding punctuation. */
function readableName(text: string): string {
  return text
    .replace(/<[^>]*>/g, " ")
    .replace(/\s+/g, " ")
    .replace(/^[\s"'`*_,;:(-]+|[\s"'`*_,;:)-]+$/g, "");
}

/**
 * Parses a `Co-authored-by:` trailer value (the part after the colon), which people write in many
 * shapes: `Name <email>` with notes after it, `Name email`, `@login`, markup in the name. Keeps the
 * e-mail or login and a readable name. Returns null for values that carry no usable identity.
 */
export function parseCoAuthor(value: string): PersonIdentity | null {
  const text = value.trim();
  const withEmail = angledEmail.exec(text) ?? bareEmail.exec(text);
  if (withEmail) {
    const email = (withEmail[1] ?? withEmail[0]).trim();
    const name =
      readableName(text.slice(0, withEmail.index)) ||
      readableName(text.slice(withEmail.index + withEmail[0].length).replace(/\[[^\]]*\]/g, " "));
    return { name: name || email.split("@")[0] || "unknown", email };
  }
  const other = angled.exec(text);
  if (other) {
    // `Name <not an address>`: the bracketed text is all there is to know them by.
    const inside = (other[1] ?? "").trim();
    const name = readableName(text.slice(0, other.index));
    if (!name && !inside) return null;
    return { name: name || inside || "unknown", email: inside || null };
  }
  const login = atLogin.exec(text);
  if (login?.[1]) {
    const name = readableName(text.replace(login[0], " "));
    return { name: name || login[1], login: login[1].toLowerCase() };
  }
  const name = readableName(text);
  return name ? { name } : null;
}
