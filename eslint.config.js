// @ts-check
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

const NODE_BUILTINS = [
  "fs",
  "path",
  "crypto",
  "http",
  "https",
  "os",
  "url",
  "util",
  "child_process",
  "stream",
  "module",
].map((name) => ({ name, message: `Use node:${name}.` }));

const TEST_ONLY =
  "Test runners belong in *.test.ts / *.spec.ts files and test-support folders (packages/testing, tests/, apps/*/test, apps/web/e2e).";

const BROWSER_SAFE =
  "The browser bundle must not carry zod (see docs/decisions/007): use @tandem/contracts/client.";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/.next/**",
      "data/**",
      "coverage/**",
      "**/playwright-report/**",
      "**/test-results/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": ["error", { paths: NODE_BUILTINS }],
    },
  },
  {
    // Only env.ts (and scripts/tests that build their own config) may read process.env.
    files: ["apps/*/src/**/*.ts"],
    ignores: ["apps/*/src/env.ts", "apps/*/src/**/*.test.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration in env.ts only." },
      ],
    },
  },
  {
    // Web code that can reach the browser: zod only as types. Server-only modules are *.server.ts.
    files: ["apps/web/src/**/*.{ts,tsx}"],
    ignores: ["apps/web/src/env.ts", "apps/web/src/**/*.server.ts", "apps/web/src/**/*.test.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            ...NODE_BUILTINS,
            { name: "zod", allowTypeImports: true, message: BROWSER_SAFE },
            { name: "@tandem/contracts", allowTypeImports: true, message: BROWSER_SAFE },
          ],
        },
      ],
    },
  },
  {
    // A production file never imports a test runner: test code lives in test files and in the
    // test-support folders named here (its own rule name, so it adds to no-restricted-imports).
    files: ["**/*.{ts,tsx,js,mjs,cjs}"],
    ignores: [
      "**/*.test.{ts,tsx}",
      "**/*.spec.{ts,tsx}",
      "packages/testing/**",
      "tests/**",
      "apps/*/test/**",
      "apps/web/e2e/**",
      "**/vitest.config.{ts,js,mjs}",
      "**/playwright.config.{ts,js,mjs}",
      // The benchmark's browser scenario launches Chromium through Playwright (no test runner).
      "bench/lib/web.ts",
    ],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "vitest", message: TEST_ONLY },
            { name: "@playwright/test", message: TEST_ONLY },
          ],
          patterns: [{ group: ["vitest/*", "@playwright/test/*"], message: TEST_ONLY }],
        },
      ],
    },
  },
  prettier,
);
