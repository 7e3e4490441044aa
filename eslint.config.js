// Lint config: type-aware TypeScript rules plus the layer boundaries of docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const noNode = { paths: nodeBuiltins.map((name) => ({ name, message: 'This layer may not import Node built-ins.' })) };
const electronOnlyInShell = {
  name: 'electron',
  message: 'Only src/main/shell and src/preload may import electron; services must run under plain Node.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'test-results/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['src/shared/**/*.{ts,tsx}'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noNode,
          paths: [...noNode.paths, { name: 'electron', message: 'src/shared is pure TypeScript.' }],
          patterns: [
            { group: ['**/main/**', '**/main', '**/renderer/**', '**/preload/**'], message: 'src/shared imports only src/shared.' },
            { group: ['better-sqlite3', 'react', 'react-dom', 'electron/*'], message: 'src/shared is pure TypeScript.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'process', 'Buffer', '__dirname', 'require'],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/shell/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            { group: ['electron/*'], message: electronOnlyInShell.message },
            { group: ['**/renderer/**', '**/preload/**'], message: 'Services do not import the renderer or preload.' },
          ],
        },
      ],
    },
  },
  {
    // Outside src/main/matching, the engine is reached through its public modules only: running a reconcile
    // (engine.ts), the rule set in force, stored explanations read back, what a run owes, and events read as the
    // engine reads them (candidateEvents.ts), how far each feed has delivered (feedProgress.ts). Its loading, keys,
    // writers and workers are its own. Rule-set versions (src/main/ruleVersions) run the engine into shadow lanes, so
    // they share its writers and scope.
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/shell/**', 'src/main/matching/**', 'src/main/ruleVersions/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyInShell],
          patterns: [
            { group: ['electron/*'], message: electronOnlyInShell.message },
            { group: ['**/renderer/**', '**/preload/**'], message: 'Services do not import the renderer or preload.' },
            {
              regex: 'matching/engine/(?!(engine|ruleSetInForce|explain|explanationText|pendingWork|candidateEvents|feedProgress)\\.ts$)',
              message: "Outside src/main/matching, use the engine's public modules (docs/architecture.md), not its internals.",
            },
          ],
        },
      ],
    },
  },
  {
    // The matching rules are the accountant's reasoning, nothing else: no ledger, no engine, no Node, no SQLite
    // (docs/architecture.md). The engine implements what they need (event sets, texts, storage) behind their types.
    files: ['src/main/matching/rules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noNode,
          paths: [...noNode.paths, electronOnlyInShell],
          patterns: [
            {
              // A relative path into another folder of src/main (src/shared is reached through `shared/`, never these).
              regex: '^(\\.\\./)+(ledger|engine|exceptions|import|export|review|workspace|workflows|api|cli|host|shell|synthetic)/',
              message: 'matching/rules is pure domain: it imports src/shared and its own files only; the engine implements its interfaces.',
            },
            { group: ['better-sqlite3', 'electron/*', '**/renderer/**', '**/preload/**'], message: 'matching/rules is pure domain.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', '__dirname', 'require'],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...noNode,
          paths: [...noNode.paths, { name: 'electron', message: 'The renderer talks to the backend only through its API client.' }],
          patterns: [
            { group: ['**/main/**', '**/main', '**/preload/**', '**/preload'], message: 'The renderer imports src/shared and its own files only.' },
            { group: ['better-sqlite3', 'electron/*'], message: 'The renderer imports src/shared and its own files only.' },
          ],
        },
      ],
    },
  },
  {
    // The backend is reached through src/renderer/src/api/apiClient.ts only: no other renderer file opens a
    // connection of its own or touches the preload's bridge.
    files: ['src/renderer/**/*.{ts,tsx}'],
    ignores: ['src/renderer/src/api/apiClient.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        ...['fetch', 'EventSource', 'XMLHttpRequest', 'WebSocket'].map((name) => ({
          name,
          message: 'Call the backend through src/renderer/src/api/apiClient.ts.',
        })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'window', property: 'tieoutBridge', message: 'Call the backend through src/renderer/src/api/apiClient.ts.' },
      ],
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/main/**', '**/renderer/**'], message: 'The preload exposes the shared contract only.' }] },
      ],
    },
  },
);
