// ESLint flat config. Besides typescript-eslint's recommended rules it enforces the import
// boundaries of STYLE.md ("dependencies point inward") with no-restricted-imports, so a
// renderer file that reaches for Node or a shared file that imports the server fails CI.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { defineConfig } from 'eslint/config';

// Exact module names go in `paths`: a bare `group` pattern such as 'domain' would also match a
// path segment ('../domain/token.ts'), since group patterns follow .gitignore rules.
const nodeMessage = 'This part runs without Node; keep Node code in server/ or electron/.';
const nodeBuiltins = builtinModules.filter((name) => !name.startsWith('_')).map((name) => ({ name, message: nodeMessage }));
const noNode = { regex: '^node:', message: nodeMessage };
const noElectron = { regex: '^electron(/|$)', message: 'Only the Electron glue in electron/ may import electron.' };
const noReact = { regex: '^(react|react-dom|@mui/[^/]+|@tanstack/[^/]+)(/|$)', message: 'shared/ is UI-free; UI code lives in renderer/.' };

// Relative imports that climb out of the current part into another one, e.g. '../../server/x.ts'.
const into = (part) => `^(\\.\\./)+${part}(/|$)`;
const noServer = { regex: into('server'), message: 'Import shared/ instead; server code stays in server/.' };
const noElectronCode = { regex: into('electron'), message: 'Talk to the main process through the preload API, not its code.' };
const noRenderer = { regex: into('renderer'), message: 'The renderer is a leaf: nothing imports it.' };
// The main process may start the embedded backend, but only through the server's public entry.
const serverOnlyViaIndex = {
  regex: '^(\\.\\./)+server/(?!index\\.ts$)',
  message: 'The main process may import the server only through server/index.ts.',
};
const rawIpc = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Use the typed IPC contract; raw ipcMain/ipcRenderer belong in electron/glue/ and electron/preload/.',
};

const restrict = (patterns, paths = []) => ['error', { patterns, paths }];

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.tools/**',
      'coverage/**',
      'test-results/**',
      'artifacts/**',
      'bench/results/**',
      '.keyward/**',
      'playwright-report/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Non-null assertions are used after explicit checks the compiler cannot follow.
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Node strips types only: use a union of literals instead of an enum.' },
        { selector: 'TSModuleDeclaration[kind="namespace"]', message: 'Node strips types only: use a module instead of a namespace.' },
        { selector: 'TSParameterProperty', message: 'Node strips types only: declare and assign the field explicitly.' },
      ],
    },
  },
  {
    // Global declarations in .d.ts files must use `declare var` to merge with lib.dom's own.
    files: ['**/*.d.ts'],
    rules: { 'no-var': 'off' },
  },
  {
    files: ['server/**', 'electron/**', 'test/**', 'bench/**', '.ci/**', '*.js', '*.ts', 'build/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // The React Compiler diagnostics in the recommended set are advisory here: the app does not
      // run the compiler, and they flag sound code (e.g. Date.now() in an event handler). The two
      // classic rules stay: hooks must follow the rules, and effect dependencies are checked.
      ...Object.fromEntries(Object.keys(reactHooks.configs.flat.recommended.rules).map((rule) => [rule, 'warn'])),
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },

  // Import boundaries (STYLE.md "Do this" 1 and 2).
  {
    files: ['shared/**'],
    rules: { 'no-restricted-imports': restrict([noNode, noElectron, noReact, noServer, noElectronCode, noRenderer], nodeBuiltins) },
  },
  {
    files: ['renderer/**'],
    rules: { 'no-restricted-imports': restrict([noNode, noElectron, noServer, noElectronCode], nodeBuiltins) },
  },
  {
    files: ['server/**'],
    rules: { 'no-restricted-imports': restrict([noElectron, noElectronCode, noRenderer]) },
  },
  {
    files: ['electron/**'],
    ignores: ['electron/glue/**', 'electron/preload/**'],
    rules: { 'no-restricted-imports': restrict([noRenderer, serverOnlyViaIndex], [rawIpc]) },
  },
  {
    files: ['electron/glue/**', 'electron/preload/**'],
    rules: { 'no-restricted-imports': restrict([noRenderer, serverOnlyViaIndex]) },
  },
);
