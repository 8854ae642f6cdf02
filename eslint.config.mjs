// Lint with type-aware rules; module boundaries from docs/architecture.md are enforced here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrict = (patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'coverage/**', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'eqeqeq': ['error', 'always'],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      ...restrict([
        { group: ['node:*'], message: 'core/ is pure: no Node built-ins' },
        { group: ['**/adapters/**', '**/daemon/**', '**/plugin/**', '**/lab/**', '**/cli/**', '**/bin/**'], message: 'core/ depends on nothing outside core/' },
      ]),
      'no-restricted-globals': ['error', 'process', 'setTimeout', 'setInterval', 'fetch'],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'take time from a Clock argument' },
        { object: 'Math', property: 'random', message: 'take randomness as an argument' },
        { object: 'process', property: 'env', message: 'only src/bin reads process.env' }],
    },
  },
  {
    files: ['src/ports/**/*.ts'],
    rules: restrict([{ group: ['**/adapters/**', '**/daemon/**', '**/plugin/**', '**/lab/**', '**/cli/**', '**/bin/**'], message: 'ports/ holds interfaces only' }]),
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: restrict([{ group: ['**/daemon/**', '**/plugin/**', '**/lab/**', '**/cli/**', '**/bin/**'], message: 'adapters/ may import only core, ports and libraries' }]),
  },
  {
    files: ['src/plugin/**/*.ts'],
    rules: restrict([
      { group: ['**/adapters/aws/**', '**/adapters/kube/**', '**/daemon/**', '**/lab/**', '**/cli/**', '**/bin/**'], message: 'the CNI plugin must stay small and fast to start' },
      { group: ['@aws-sdk/*', '@kubernetes/*', '@grpc/*'], message: 'the CNI plugin must stay small and fast to start' },
    ]),
  },
  {
    files: ['src/daemon/**/*.ts'],
    rules: restrict([{ group: ['**/plugin/**', '**/lab/**', '**/cli/**', '**/bin/**'], message: 'the daemon must not depend on the plugin or the lab' }]),
  },
  {
    files: ['src/lab/**/*.ts'],
    rules: restrict([{ group: ['**/core/datastore/**', '**/core/warm-pool/**', '**/daemon/**', '**/plugin/**', '**/bin/**'], message: 'the lab is an independent model of AWS: it must not share logic with the code it tests' }]),
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/bin/**', 'src/cli/**', 'src/core/**', 'src/**/*.test.ts'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'only src/bin reads process.env' }] },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', name: ['test', 'it', 'describe', 'suite'], package: 'node:test' }] }],
    },
  },
);
