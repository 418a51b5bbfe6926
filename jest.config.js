// Two tiers of suites, listed in __tests__/tiers.js: `npm test` selects the quick one, `npm run test:all` runs both.
const { QUICK, FULL } = require("./__tests__/tiers.js");

const project = (displayName, suites) => ({
  displayName,
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: suites.map((suite) => `<rootDir>/__tests__/${suite}`),
  // Type checking is `tsc --noEmit` in `npm run lint`; jest only transpiles.
  transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
  setupFiles: ["<rootDir>/__tests__/setup-env.ts"],
});

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  maxWorkers: 2,
  projects: [project("quick", QUICK), project("full", FULL)],
};
