// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// SDKs of outside systems may only be imported by the module that owns that system
// (installer/systems/*); everything else receives them as dependencies.
const SDKS = [
  '@kubernetes/client-node',
  'simple-git',
  'execa',
  '@inquirer/prompts',
  '@inquirer/core',
  'listr2',
  '@listr2/*',
];

// One orchestrator per user command; only cli.ts dispatches to them.
const COMMANDS = [
  '**/run-install.js',
  '**/run-apply.js',
  '**/run-fork.js',
  '**/run-plan.js',
  '**/run-status.js',
  '**/run-uninstall.js',
  '**/run-upgrade.js',
  '**/run-upgrade-plan.js',
  '**/run-doctor.js',
  '**/run-demo.js',
  '**/run-open.js',
  '**/run-images.js',
];

// Product code (installer/, scripts/) never imports from test/: what it needs of a test helper moves
// into the product, and the test then imports it from there.
const NO_TEST_IMPORTS = {
  regex: '^(\\.\\./)+test/',
  message: 'installer/ and scripts/ are shipped or run without test/: move what you need into the product.',
};

export default defineConfig(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['installer/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_TEST_IMPORTS] }] },
  },
  {
    // Replaces the rule above for these files (flat config does not merge a rule's options), so it
    // repeats the test/ pattern.
    files: ['installer/**/*.ts'],
    ignores: ['installer/systems/**', 'installer/cli.ts', 'installer/ui/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            NO_TEST_IMPORTS,
            {
              group: SDKS,
              message: 'Only installer/systems/* may import an outside system SDK; take it as a dependency.',
            },
            {
              group: COMMANDS,
              message: 'Commands never call commands: call the shared step functions the command calls instead.',
            },
          ],
        },
      ],
    },
  },
  {
    // Kubernetes REST paths are spelled in installer/systems/ only; everything else uses Kube's typed
    // verbs and systems/argocd.ts.
    files: ['installer/**/*.ts'],
    ignores: ['installer/systems/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'Literal[value=/^\\/api/]',
          message: 'Kubernetes API paths belong in installer/systems/; use a Kube verb or systems/argocd.ts.',
        },
        {
          selector: 'TemplateLiteral > TemplateElement:first-child[value.raw=/^\\/api/]',
          message: 'Kubernetes API paths belong in installer/systems/; use a Kube verb or systems/argocd.ts.',
        },
        {
          selector: "CallExpression[callee.property.name='request']",
          message: 'Kube.request is private to installer/systems/; use a typed Kube verb or systems/argocd.ts.',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
