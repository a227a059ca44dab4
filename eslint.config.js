import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

// The layering, as a rule rather than a README promise: every SQL query lives in app/models (and the
// schema and migrations in db/), and only app/github.server.ts talks to GitHub through Octokit.
const queryBuilders = ["selectFrom", "insertInto", "updateTable", "deleteFrom", "replaceInto", "mergeInto"];
const sqlOutsideModels = {
  "no-restricted-syntax": [
    "error",
    {
      selector: `CallExpression[callee.property.name=/^(${queryBuilders.join("|")})$/]`,
      message: "Queries live in app/models: add or reuse a model function there.",
    },
  ],
};
const restrictedImports = (paths) => ({ "no-restricted-imports": ["error", { paths }] });
const kyselySql = {
  name: "kysely",
  importNames: ["sql"],
  message: "Raw SQL lives in app/models: add or reuse a model function there.",
};
const octokit = ["octokit", "@octokit/core", "@octokit/rest", "@octokit/graphql", "@octokit/request"].map((name) => ({
  name,
  message: "Only app/github.server.ts talks to GitHub: add a narrow function there.",
}));

export default tseslint.config(
  { ignores: ["build/", "public/build/", ".cache/", "node_modules/", "data/", "tmp/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["app/**/*.{ts,tsx}", "scripts/**/*.ts"],
    ignores: ["app/models/**", "app/github.server.ts"],
    rules: { ...sqlOutsideModels, ...restrictedImports([kyselySql, ...octokit]) },
  },
  {
    files: ["app/models/**/*.ts"],
    rules: restrictedImports(octokit),
  },
  {
    files: ["app/github.server.ts"],
    rules: { ...sqlOutsideModels, ...restrictedImports([kyselySql]) },
  },
);
