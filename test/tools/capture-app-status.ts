/**
 * Records real Argo CD Application documents for the readiness tests: for each recipe in
 * test/support/app-states.ts it builds a repo on the local git server, applies an Application, waits
 * until Argo CD shows the state and writes test/fixtures/app-status/<argo cd version>/<state>.json (the
 * object as read, minus managedFields) and <state>.meta.json ({ expectedRevision, expectedPhase, note }).
 *
 *   npx tsx test/tools/capture-app-status.ts [state ...] [--keep]   # --keep: leave the Applications to inspect
 *   npx tsx test/tools/capture-app-status.ts [state ...] --clean    # remove what a --keep run left
 *   KFG_ARGOCD_VERSION=v3.4.7 npx tsx test/tools/capture-app-status.ts   # capture from another Argo CD line
 *
 * Uses the shared local cluster (started if needed, with that Argo CD) and removes what it created unless --keep.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCluster } from '../local-cluster/cluster.js';
import { argocdVersion } from '../../installer/systems/local-cluster/config.js';
import { forFixture, RECIPES, recipesFor, stateName } from '../support/app-states.js';
import { ArgoLab } from '../support/argo-lab.js';
import { projectRoot } from '../support/fixtures.js';

async function main(args: string[]): Promise<number> {
  const keep = args.includes('--keep');
  const wanted = args.filter((a) => !a.startsWith('--'));
  const unknown = wanted.filter((w) => !RECIPES.some((r) => r.state === w));
  if (unknown.length > 0)
    throw new Error(`unknown state(s): ${unknown.join(', ')}; known: ${RECIPES.map((r) => r.state).join(', ')}`);
  const version = argocdVersion();
  const possible = recipesFor(version);
  const recipes = wanted.length > 0 ? possible.filter((r) => wanted.includes(r.state)) : possible;
  const out = join(projectRoot, 'test', 'fixtures', 'app-status', version);
  const lab = new ArgoLab(await ensureCluster(version));
  if (args.includes('--clean')) {
    for (const r of recipes) {
      const name = stateName(r.state);
      lab.adopt('app', name);
      for (const repo of [name, `${name}-base`]) lab.adopt('repo', repo);
    }
    await lab.cleanup();
    return 0;
  }
  mkdirSync(out, { recursive: true });
  let failures = 0;
  try {
    // Each state has its own repo, Application and namespace, so they can settle side by side.
    await Promise.all(
      recipes.map(async (r) => {
        const started = Date.now();
        try {
          const { app, expectedRevision } = await r.produce(lab, stateName(r.state));
          writeFileSync(join(out, `${r.state}.json`), `${JSON.stringify(forFixture(app), null, 2)}\n`);
          writeFileSync(
            join(out, `${r.state}.meta.json`),
            `${JSON.stringify({ expectedRevision, expectedPhase: r.expectedPhase, note: r.note }, null, 2)}\n`,
          );
          console.log(`captured ${r.state} from Argo CD ${version} in ${Math.round((Date.now() - started) / 1000)}s`);
        } catch (e) {
          failures++;
          console.error(`FAILED ${r.state}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }),
    );
  } finally {
    if (!keep) await lab.cleanup();
  }
  return failures === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  },
);
