// Lint for the whole project, run by `npm test` (`npm run lint`). Beside the usual TypeScript rules it
// encodes the layering of DESIGN.md ("Code layout") and README ("Project layout"):
// - only the Teams folder (src/bot) and the composition root import the Bot Framework SDKs or src/bot, so that
//   a move to the Microsoft 365 Agents SDK touches them and nothing else;
// - only src/store touches tables and queues: it owns every table layout and the campaign queue;
// - src/domain is pure; the store knows nothing of Teams, cases or workflows; the case engine (src/cases)
//   knows no workflow: workflows are given to it as definitions.
// typescript-eslint needs TypeScript's JavaScript API, which TypeScript 7 does not have: hence TypeScript 5.9.
import tseslint from 'typescript-eslint';

const SDKS = { regex: '^(botbuilder|botbuilder-.*|botframework-.*|@microsoft/teams-ai)(/.*)?$', message: 'Only the Teams folder (src/bot) imports the Bot Framework SDKs: go through its interfaces.' };
const BOT = { regex: '(^|/)bot/', message: 'Only the composition root (src/index.ts, src/runtime.ts) and the server import the Teams folder (src/bot).' };
const TABLES = { regex: '^@azure/data-tables(/.*)?$', message: 'Only src/store touches tables: call a store method.' };
const QUEUES = { regex: '^@azure/storage-queue(/.*)?$', message: 'Only src/store touches queues: use its WorkQueue (src/store/campaign-queue.ts).' };
const layer = (name, why) => ({ regex: `(^|/)${name}/`, message: why });

/** What may use the SDKs: the Teams folder (proactive sending included) and the composition root. */
const TEAMS_SIDE = ['src/bot/**', 'src/index.ts', 'src/runtime.ts', 'src/server.ts'];

/** Each folder and what it may not import. A later block replaces an earlier one's rule for the same file: each lists all. */
const LAYERS = [
  { files: ['src/**/*.ts'], ignores: [...TEAMS_SIDE, 'src/store/**'], patterns: [SDKS, BOT, TABLES, QUEUES] },
  { files: TEAMS_SIDE, patterns: [TABLES, QUEUES] },
  {
    files: ['src/store/**/*.ts'],
    patterns: [SDKS, BOT, ...['workflows', 'cases', 'cards', 'data-protection', 'scheduler'].map((name) => layer(name, 'The store knows tables, not Teams, cases or workflows.'))],
  },
  {
    files: ['src/cases/**/*.ts'],
    patterns: [SDKS, BOT, TABLES, QUEUES, layer('workflows', 'The case engine knows no workflow: each is given to it as a definition (src/cases/definition.ts).')],
  },
  {
    files: ['src/domain/**/*.ts'],
    patterns: [SDKS, BOT, TABLES, QUEUES, ...['store', 'cases', 'workflows', 'directory', 'cards', 'data-protection', 'scheduler', 'http', 'understanding'].map((name) => layer(name, 'src/domain is pure: no storage, no Teams, no workflow.')),
      { regex: '^@azure/', message: 'src/domain is pure: no storage.' }],
  },
];

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
  ...LAYERS.map(({ files, ignores, patterns }) => ({ files, ...(ignores ? { ignores } : {}), rules: { 'no-restricted-imports': ['error', { patterns }] } })),
  {
    files: ['scripts/**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
