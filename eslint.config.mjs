// ESLint 9 flat config: Next.js's rules (core web vitals, React, hooks, a11y, import) and
// typescript-eslint's recommended rules (syntax only, no type information: fast). `npm run lint`
// fails on any warning.
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/** Every React rule Next's config turns on, to turn off where there is no React. */
const reactRules = nextVitals.flatMap((config) => Object.keys(config.rules ?? {})).filter((rule) => /^react(-hooks)?\//.test(rule));

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  globalIgnores([".next/**", "next-env.d.ts", "lib/generated/**", ".shiplog/**", "coverage/**", "test-results/**"]),
  {
    rules: {
      // `const { secret: _secret, ...rest } = x` is how the code drops a field from a copy.
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true, argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // A `let` assigned once but read first by a callback (a stream's stop()) cannot be a const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // Reports what React Compiler would skip; Shiplog does not build with React Compiler.
      "react-hooks/incompatible-library": "off",
    },
  },
  {
    // No React outside app/ and components/: useDatabaseUrl, useAuthSecret and the e2e useBrowser set
    // process state, they are not hooks, and React Compiler's rules would spend half the run here.
    files: ["lib/**", "scripts/**", "prisma/**", "tests/**", "*.ts"],
    rules: Object.fromEntries(reactRules.map((rule) => [rule, "off"])),
  },
  {
    files: ["tests/**", "scripts/bench/**"],
    rules: {
      // Real GitHub and Argo CD payloads are edited as loose JSON; typing them would invent shapes.
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
]);
