// Lint for the whole project, run by `npm test` (`npm run lint`). Beside the usual TypeScript rules it
// encodes the layering of DESIGN.md ("Code layout"): pure domain code imports nothing with I/O, the store
// knows nothing of Teams or workflows, and only the Teams folder (src/bot) and a few named files may
// import the Bot Framework SDKs, so that a move to the Microsoft 365 Agents SDK touches them and nothing else.
// typescript-eslint needs TypeScript's JavaScript API, which TypeScript 7 does not have: hence TypeScript 5.9.
import tseslint from 'typescript-eslint';

const SDKS = [
  { regex: '^(botbuilder|botbuilder-.*|botframework-.*|@microsoft/teams-ai)(/.*)?$', message: 'Only the Teams folder (src/bot) imports the Bot Framework SDKs: go through its interfaces.' },
];
const bot = { regex: '(^|/)bot/', message: 'Only the composition root (src/index.ts, src/runtime.ts) and the server import the Teams folder (src/bot).' };
const layer = (name, why) => ({ regex: `(^|/)${name}/`, message: why });

/**
 * Files that still import the SDKs or src/bot directly. Issue 11 ("One case engine ... the Teams SDK behind
 * one folder") moves the workflows' routes behind one generic router in src/bot and empties this list.
 */
const NOT_YET_BEHIND_THE_TEAMS_FOLDER = ['src/workflows/*/routes.ts', 'src/workflows/*/export-routes.ts'];
/** Issue 11, "The store owns every table layout": retention, erasure and the workflows call store methods. */
const TABLES = { regex: '^@azure/data-tables(/.*)?$', message: 'Only src/store touches tables.' };
const NO_TABLES = ['src/data-protection/**/*.ts', 'src/workflows/**/*.ts', 'src/cases/**/*.ts'];
/** What may use the SDKs for good: the Teams folder (proactive sending included) and the composition root. */
const TEAMS_SIDE = ['src/bot/**', 'src/index.ts', 'src/runtime.ts', 'src/server.ts'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.deploy/**', 'appPackage/build/**', 'test-results/**', 'bench/profiles/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true,
      }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: [...TEAMS_SIDE, ...NOT_YET_BEHIND_THE_TEAMS_FOLDER],
    rules: { 'no-restricted-imports': ['error', { patterns: [...SDKS, bot] }] },
  },
  // A later block's no-restricted-imports replaces an earlier one's for the same file: hence the SDK patterns again.
  {
    files: NO_TABLES,
    ignores: NOT_YET_BEHIND_THE_TEAMS_FOLDER,
    rules: { 'no-restricted-imports': ['error', { patterns: [...SDKS, bot, TABLES] }] },
  },
  {
    files: NOT_YET_BEHIND_THE_TEAMS_FOLDER,
    rules: { 'no-restricted-imports': ['error', { patterns: [TABLES] }] },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [...SDKS, bot, ...['store', 'cases', 'workflows', 'directory', 'cards', 'data-protection', 'scheduler', 'http'].map((name) => layer(name, 'src/domain is pure: no storage, no Teams, no workflow.')),
          { regex: '^@azure/', message: 'src/domain is pure: no storage.' }],
      }],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [...SDKS, bot, ...['workflows', 'cases', 'cards', 'data-protection', 'scheduler'].map((name) => layer(name, 'The store knows tables, not workflows or Teams.'))],
      }],
    },
  },
  {
    files: ['scripts/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
