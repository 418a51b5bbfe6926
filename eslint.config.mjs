// ESLint flat config: typescript-eslint's recommended rules over the whole tree.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "cdktf.out/",
      ".build/",
      "test-artifacts/",
      "coverage/",
      "contract/validators.generated.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
    },
  },
  {
    // Functions say what they do in named steps: none over 60 lines of code (the tests' tables are exempt).
    files: ["**/*.ts"],
    ignores: ["__tests__/**", "bench/**"],
    rules: { "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Tests and helpers read parsed JSON of unknown shape and load handlers fresh with require().
    files: ["__tests__/**/*.ts", "bench/**/*.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Plain Node and browser scripts.
    files: ["scripts/*.js", "jest.config.js", "__tests__/tiers.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // Stand-ins of AWS services the Terraform tests run as child processes.
    files: ["__tests__/helpers/stand-ins/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", process: "readonly", URLSearchParams: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["local/chat/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: {
        document: "readonly",
        window: "readonly",
        sessionStorage: "readonly",
        location: "readonly",
        fetch: "readonly",
        TextDecoder: "readonly",
        AbortController: "readonly",
        DOMException: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        Option: "readonly",
        console: "readonly",
      },
    },
  },
);
