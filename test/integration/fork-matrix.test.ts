/**
 * Acceptance for `fork`: every release x every target, `--components all`, pushed over loopback HTTP
 * with token auth; then a fresh clone of the pushed branch renders every child Application's path
 * with kubectl kustomize with the network cut off and no mirror. Every render is also checked for
 * kustomize vars it leaves unresolved (plan/unresolved-vars.ts): a component rendered alone must not
 * keep a `$(VAR)` that upstream's example/ resolves from another component.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFork } from '../../installer/commands/fork/run-fork.js';
import { ARGOCD_VERSION } from '../../installer/core/constants.js';
import { RELEASES } from '../../installer/catalogue/releases.js';
import { requestsOf } from '../../installer/catalogue/requests.js';
import { parseQuantity } from '../../installer/preflight/nodes.js';
import { TARGETS } from '../../installer/catalogue/targets.js';
import { findRemoteResources } from '../../installer/hermetic/find-remote-resources.js';
import { nodeTreeReader } from '../../installer/hermetic/vendor-remote-bases.js';
import { describeUnresolved, findUnresolvedVars } from '../../installer/plan/unresolved-vars.js';
import type { KubeObject } from '../../installer/systems/kube.js';
import { fixturesMissing } from '../support/fixtures.js';
import { run, startForkEnv, type ForkEnv } from '../support/fork-env.js';
import { mapLimit, OFFLINE, renderInputKey } from '../support/render-offline.js';

/** What each target must visibly change in the rendered output (component -> check). */
const TARGET_EFFECTS: Partial<Record<string, Record<string, (yaml: string) => boolean>>> = {
  kind: { 'oauth2-proxy': (y) => y.includes('kubernetes.default.svc') },
  gke: { istio: (y) => y.includes('/home/kubernetes/bin') },
  microk8s: {
    istio: (y) =>
      y.includes('/var/snap/microk8s/current/opt/cni/bin') && y.includes('/var/snap/microk8s/current/args/cni-network'),
  },
  aks: {
    kserve: (y) =>
      count(y, /^kind: (Mutating|Validating)WebhookConfiguration$/gm) ===
        count(y, /admissions\.enforcer\/disabled: "true"/g) && count(y, /admissions\.enforcer/g) > 0,
  },
  local: {
    kserve: (y) =>
      !y.includes('kind: MutatingWebhookConfiguration') && !y.includes('kind: ValidatingWebhookConfiguration'),
  },
  minikube: { istio: (y) => /name: discovery[\s\S]*?cpu: 100m/.test(y) },
  generic: { istio: (y) => /name: discovery[\s\S]*?cpu: 500m/.test(y) },
};

const count = (text: string, re: RegExp): number => text.match(re)?.length ?? 0;

interface Workload {
  kind?: string;
  spec?: {
    replicas?: number;
    template?: { spec?: { containers?: { resources?: { requests?: Record<string, string> } }[] } };
  };
}
/** What the wizard and preflight size a selection by: every container's requests times replicas. */
function summedRequests(rendered: string): { cpuMillis: number; memoryMiB: number } {
  let cpu = 0;
  let memory = 0;
  for (const doc of parseAllDocuments(rendered)) {
    const w = doc.toJS() as Workload | null;
    for (const c of w?.spec?.template?.spec?.containers ?? []) {
      const replicas = w?.kind === 'Deployment' || w?.kind === 'StatefulSet' ? (w.spec?.replicas ?? 1) : 1;
      cpu += parseQuantity(c.resources?.requests?.cpu) * 1000 * replicas;
      memory += (parseQuantity(c.resources?.requests?.memory) / 2 ** 20) * replicas;
    }
  }
  return { cpuMillis: Math.round(cpu), memoryMiB: Math.round(memory) };
}

interface App {
  metadata: { name: string };
  spec: { source: { repoURL: string; targetRevision: string; path: string } };
}

describe.skipIf(fixturesMissing())('fork --components all, every release and target', () => {
  let env: ForkEnv;
  beforeAll(async () => {
    env = await startForkEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  for (const release of RELEASES) {
    it(`${release}: hermetic fork renders offline for every target`, async () => {
      const forkUrl = await env.newFork(`matrix-${release}`);
      // Targets that give a component the same overlay render it once (see renderInputKey).
      const renders = new Map<string, Promise<{ stdout: string }>>();
      // What each distinct render leaves unresolved, found once per render.
      const unresolved = new Map<string, string[]>();
      for (const target of TARGETS) {
        const branch = `kf-${target}`;
        const result = await runFork(
          env.options({ fork: forkUrl, release, target, components: 'all', branch }),
          env.deps(),
        );
        expect(result.pushed).toBe(true);

        const clone = join(mkdtempSync(join(env.root, 'clone-')), 'fork');
        await env.git(['clone', '--quiet', '--branch', branch, forkUrl, clone]);
        expect((await env.git(['rev-parse', 'HEAD'], clone)).trim()).toBe(result.revision);
        expect(readFileSync(join(clone, '.git', 'config'), 'utf8')).not.toContain('kfg-test-token');

        const apps = readdirSync(join(clone, 'kubeflow-apps'))
          .filter((f) => f.endsWith('.yaml'))
          .map((f) => parse(readFileSync(join(clone, 'kubeflow-apps', f), 'utf8')) as App);
        expect(apps.length).toBe(result.plan.components.length);
        for (const app of apps) {
          expect(app.spec.source.repoURL, app.metadata.name).toBe(forkUrl);
          expect(app.spec.source.targetRevision, app.metadata.name).toBe(branch);
          expect(app.spec.source.path, app.metadata.name).toBe(`overlays/${target}/${app.metadata.name}`);
        }
        // No remote entry is left anywhere the children reach.
        const found = await findRemoteResources(
          clone,
          apps.map((a) => a.spec.source.path),
          nodeTreeReader,
        );
        expect(
          found.remotes.map((r) => r.entry),
          `${release}/${target}`,
        ).toEqual([]);

        const failures = (
          await mapLimit(apps, 2, async (app) => {
            try {
              const key = await renderInputKey(clone, app.spec.source.path);
              const render =
                renders.get(key) ??
                run('kubectl', ['kustomize', app.spec.source.path], {
                  cwd: clone,
                  env: OFFLINE,
                  maxBuffer: 1 << 28,
                  timeout: 120_000,
                });
              renders.set(key, render);
              const { stdout } = await render;
              if (!unresolved.has(key))
                unresolved.set(
                  key,
                  stdout.includes('$(')
                    ? findUnresolvedVars(
                        parseAllDocuments(stdout)
                          .map((d) => d.toJS() as KubeObject | null)
                          .filter((o) => o !== null),
                      ).map(describeUnresolved)
                    : [],
                );
              const vars = unresolved.get(key) ?? [];
              if (vars.length > 0) return `${app.metadata.name}: ${vars.join('; ')}`;
              // The sizing table (catalogue/requests.ts) is measured on 26.03 and 26.03.1-rc.2, full on generic
              // and small on kind.
              const footprint =
                release === '26.03' || release === '26.03.1-rc.2'
                  ? ({ generic: 'full', kind: 'small' } as const)[target as 'generic' | 'kind']
                  : undefined;
              if (footprint !== undefined) {
                const expected = requestsOf([app.metadata.name], footprint, release);
                const got = summedRequests(stdout);
                if (got.cpuMillis !== expected.cpuMillis || got.memoryMiB !== expected.memoryMiB) {
                  return `${app.metadata.name}: renders ${got.cpuMillis}m CPU / ${got.memoryMiB} MiB of requests (${footprint}), catalogue/requests.ts says ${expected.cpuMillis}m / ${expected.memoryMiB} MiB`;
                }
              }
              const effect = TARGET_EFFECTS[target]?.[app.metadata.name];
              return effect === undefined || effect(stdout)
                ? undefined
                : `${app.metadata.name}: the ${target} overlay did not take effect`;
            } catch (err) {
              return `${app.metadata.name}: ${String((err as { stderr?: string }).stderr ?? err)
                .split('\n')
                .filter((l) => !l.startsWith('# Warning'))
                .join(' ')
                .slice(-500)}`;
            }
          })
        ).filter((f): f is string => f !== undefined);
        expect(failures, `${release}/${target}`).toEqual([]);
        if (target === TARGETS[0]) {
          // Argo CD itself, for clusters without one: vendored too, and configured for app-of-apps.
          const { stdout } = await run('kubectl', ['kustomize', 'overlays/argocd'], {
            cwd: clone,
            env: OFFLINE,
            maxBuffer: 1 << 28,
          });
          expect(stdout).toContain('resource.customizations.health.argoproj.io_Application');
          expect(stdout).toContain('controller.resource.health.persist: "true"');
          expect(stdout).toContain(`quay.io/argoproj/argocd:${ARGOCD_VERSION}`);
        }
      }
    });
  }
});
