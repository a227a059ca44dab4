import type { PersonIdentity } from "../stewardship/identity";

/** The demo's people: all fictional. */
const person = (name: string, login: string): PersonIdentity => ({
  name,
  login,
  email: `${login}@users.noreply.github.com`,
});

export const demoPeople = {
  mira: person("Mira Okafor", "mokafor"),
  tomasz: person("Tomasz Wren", "twren"),
  priya: person("Priya Raman", "praman"),
  lucas: person("Lucas Ferreira", "lferreira"),
  hana: person("Hana Sato", "hsato"),
  diego: person("Diego Alvarez", "dalvarez"),
  noor: person("Noor Haddad", "nhaddad"),
  kai: person("Kai Lindqvist", "klindqvist"),
  elena: person("Elena Petrova", "epetrova"),
  sam: person("Sam Okoro", "sokoro"),
  ana: person("Ana Costa", "acosta"),
  greta: person("Greta Lindholm", "glindholm"),
  lior: person("Lior Amsel", "lamsel"),
  bot: { name: "Miss Islington (bot)", email: "31488909+miss-islington@users.noreply.github.com" },
} satisfies Record<string, PersonIdentity>;

const crowdFirst = [
  "Aiko",
  "Bram",
  "Chloé",
  "Dev",
  "Efua",
  "Femi",
  "Gil",
  "Ines",
  "Jonas",
  "Kiri",
  "Lena",
  "Mateo",
  "Nia",
  "Omar",
  "Pia",
  "Quinn",
  "Rosa",
  "Sven",
  "Tara",
  "Umar",
  "Vera",
  "Wim",
  "Xia",
  "Yusuf",
  "Zoe",
];
const crowdLast = [
  "Abara",
  "Berg",
  "Castel",
  "Dahl",
  "Evers",
  "Fonseca",
  "Gupta",
  "Holm",
  "Iwata",
  "Jansen",
  "Kowal",
  "Lund",
  "Moreau",
  "Nagy",
  "Ortiz",
  "Park",
  "Quist",
  "Rossi",
  "Silva",
  "Tanaka",
];

/** Forty people who do the rest of CPython's work: the noise the stages must not count. */
export const crowd: PersonIdentity[] = Array.from({ length: 40 }, (_, i) => {
  const first = crowdFirst[i % crowdFirst.length] ?? "Alex";
  const last = crowdLast[(i * 7) % crowdLast.length] ?? "Smith";
  return {
    name: `${first} ${last}`,
    email: `${first
      .toLowerCase()
      .normalize("NFD")
      .replace(/[^a-z]/g, "")}.${last.toLowerCase()}@example.org`,
  };
});
