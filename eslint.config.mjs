// Lint rules, including the one-way dependency rule: provider -> sdk <- server.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const noImport = (...dirs) => ({
  "no-restricted-imports": [
    "error",
    {
      patterns: dirs.map((d) => ({
        group: [`**/${d}/**`, `**/${d}`],
        message: `this folder must not depend on ${d}/`,
      })),
    },
  ],
});

export default tseslint.config(
  {
    ignores: ["dist/**", "node_modules/**", "examples/**/node_modules/**", ".tmp/**", "**/*.js", "**/*.mjs"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Tests may reach across folders (e.g. the sdk tests run against the real server).
  // A later entry replaces an earlier one's rule for its files, so each lists every folder it bans.
  { files: ["sdk/**/*.ts"], ignores: ["sdk/**/*.test.ts"], rules: noImport("provider", "server") },
  // The client makes API calls; the flows built on it (sdk/deploy/) are not inside it.
  {
    files: ["sdk/client/**/*.ts"],
    ignores: ["sdk/**/*.test.ts"],
    rules: noImport("provider", "server", "deploy"),
  },
  { files: ["server/**/*.ts"], ignores: ["server/**/*.test.ts"], rules: noImport("provider") },
  // Layers inside server/: http -> services -> repositories -> db. Only http/ knows HTTP: services
  // throw domain errors (services/errors.ts) and http/errors.ts answers them. The market is pure.
  {
    files: ["server/services/**/*.ts"],
    ignores: ["server/**/*.test.ts"],
    rules: noImport("provider", "http"),
  },
  {
    files: ["server/repositories/**/*.ts"],
    ignores: ["server/**/*.test.ts"],
    rules: noImport("provider", "http", "services"),
  },
  {
    files: ["server/market/**/*.ts"],
    ignores: ["server/**/*.test.ts"],
    rules: noImport("provider", "http", "services", "repositories", "db"),
  },
  {
    files: ["provider/**/*.ts"],
    ignores: ["provider/**/*.test.ts", "provider/engine-tests/**"],
    rules: noImport("server"),
  },
);
