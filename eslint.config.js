// @ts-check
import { readdirSync } from 'node:fs';
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

// The layers of installer/, top to bottom (docs/design.md, "Layers"). A file may import its own folder
// and the layers below its own; never a layer above, nor another folder of its own layer, so the
// folders form a graph without cycles. Each command's folder under commands/ is its own: commands never
// import each other.
const LAYERS = [
  ['cli.ts'],
  ['commands'],
  ['steps'],
  ['deps.ts'],
  ['inputs', 'ui'],
  ['watch', 'preflight'],
  ['plan', 'images'],
  ['hermetic'],
  ['systems', 'catalogue', 'rewrite'],
  ['core'],
];
// Folders that may import an outside system's SDK (ui/ draws with listr2 and asks with inquirer).
const SDK_OWNERS = new Set(['systems', 'ui']);
const MAX_DEPTH = 3;

/** @param {string} s */
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What a file `depth` folders below installer/ writes to reach installer/<entry>: `../../plan/` or `../deps.js`.
 * @param {string} entry
 * @param {number} depth
 */
function reach(entry, depth) {
  const up = depth === 0 ? '\\./' : `(\\.\\./){${depth}}`;
  const name = entry.endsWith('.ts') ? `${escape(entry.slice(0, -3))}\\.js$` : `${escape(entry)}/`;
  return `^${up}${name}`;
}

/**
 * The no-restricted-imports patterns of a file `depth` folders below installer/<folder>.
 * @param {string} folder
 * @param {number} depth
 */
function patternsFor(folder, depth) {
  const layer = LAYERS.findIndex((l) => l.includes(folder));
  const above = LAYERS.slice(0, layer).flat();
  const siblings = LAYERS[layer].filter((f) => f !== folder);
  /** @type {({ regex: string; message: string } | { group: string[]; message: string })[]} */
  const patterns = [NO_TEST_IMPORTS];
  if (!SDK_OWNERS.has(folder))
    patterns.push({
      group: SDKS,
      message: 'Only installer/systems/* may import an outside system SDK; take it as a dependency.',
    });
  patterns.push({
    group: COMMANDS,
    message: 'Commands never call commands: call the shared step functions the command calls instead.',
  });
  for (const entry of above)
    patterns.push({
      regex: reach(entry, depth),
      message: `installer/${folder} is below ${entry}: import only the layers below (docs/design.md, "Layers").`,
    });
  for (const entry of siblings)
    patterns.push({
      regex: reach(entry, depth),
      message: `installer/${folder} and ${entry} are one layer: neither imports the other; move what both need lower.`,
    });
  if (folder === 'commands' && depth >= 2)
    patterns.push({
      regex: `^(\\.\\./){${depth - 1}}(?!\\.\\./)`,
      message: 'Commands never call commands: move what two commands share into installer/steps/.',
    });
  return patterns;
}

// A folder or top-level file of installer/ outside LAYERS would escape the rule: say so at once.
const unlayered = readdirSync(`${import.meta.dirname}/installer`).filter((entry) => !LAYERS.flat().includes(entry));
if (unlayered.length > 0)
  throw new Error(`installer/${unlayered.join(', installer/')}: add to LAYERS in eslint.config.js (docs/design.md)`);

/** One config block per folder and depth below installer/ (a relative path's ../ count depends on both). */
function layerBlocks() {
  const blocks = [];
  for (const folder of LAYERS.flat()) {
    if (folder === 'cli.ts') continue;
    if (folder.endsWith('.ts')) {
      blocks.push({
        files: [`installer/${folder}`],
        rules: { 'no-restricted-imports': ['error', { patterns: patternsFor(folder, 0) }] },
      });
      continue;
    }
    for (let depth = 1; depth <= MAX_DEPTH; depth++)
      blocks.push({
        files: [`installer/${folder}/${'*/'.repeat(depth - 1)}*.ts`],
        rules: { 'no-restricted-imports': ['error', { patterns: patternsFor(folder, depth) }] },
      });
  }
  return blocks;
}

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
  ...layerBlocks(),
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
