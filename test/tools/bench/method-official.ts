/**
 * Upstream's documented method on the fork's rendered `overlays/<target>/<component>` dirs (the same
 * renders Argo CD syncs): clone, then `kustomize build … | kubectl apply --server-side
 * --force-conflicts -f -`, retried every --retry-seconds until it succeeds (upstream's README loops
 * with `sleep 20`: that wait is the method's own, not the bench's), then `kubectl wait
 * --for=condition=Available deployment --all` per namespace. Namespaces Argo CD would create
 * (`CreateNamespace=true`) and the two in-cluster secrets are created first.
 *
 * With `argocd: 'absent'` the cluster is empty, and Argo CD goes in first as its documentation says
 * (`kubectl create namespace argocd`, `kubectl apply -n argocd --server-side --force-conflicts -f
 * install.yaml`; here the fork's vendored copy of the same version, rendered, since nothing may reach
 * the network); done is then the later of Kubeflow's Deployments Available and Argo CD running.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { parse, parseAllDocuments } from 'yaml';
import { ensureClusterSecrets } from '../../../installer/steps/ensure-cluster-secrets.js';
import { clusterSecretsFor } from '../../../installer/plan/build-fork-plan.js';
import { createKube, type KubeObject } from '../../../installer/systems/kube.js';
import { binDir } from '../../../installer/systems/local-cluster/config.js';
import { startArgocdWhenItsPodsRun, type ArgocdStart } from './argocd-pods.js';
import type { RunContext } from './context.js';
import { cloneFork, freshClusterWithFork, readComponents, type ForkComponent } from './fork-source.js';
import { round } from './stats.js';
import { lastDeploymentAvailable, type WorkloadsAvailable } from './workloads.js';

const run = promisify(execFile);

export interface OfficialAttempt {
  readonly renderSeconds: number;
  readonly applySeconds: number;
  readonly ok: boolean;
  readonly errors: number;
  readonly firstError?: string | undefined;
}

export interface OfficialResult {
  readonly revision: string;
  readonly clusterUpSeconds: number;
  readonly wallSeconds: number;
  readonly cloneSeconds: number;
  readonly attempts: readonly OfficialAttempt[];
  readonly appliedAtSeconds: number;
  readonly waitSeconds: number;
  readonly objects: number;
  readonly deployments: number;
  readonly namespacesWaited: readonly string[];
  readonly waitFailures: readonly string[];
  readonly workloadsAvailable?: WorkloadsAvailable | undefined;
  /** With Argo CD installed first: its apply, its pods Running and its processes ready, from the start. */
  readonly argocd?:
    | {
        readonly objects: number;
        readonly appliedAtSeconds: number;
        readonly podsRunningAtSeconds: number | undefined;
        readonly readyAtSeconds: number | undefined;
      }
    | undefined;
}

function pipeInto(
  cmd: string,
  args: readonly string[],
  input: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stderr });
    });
    child.stdin.end(input);
  });
}

const kustomize = async (dir: string, env: NodeJS.ProcessEnv): Promise<string> =>
  (await run(join(binDir(), 'kustomize'), ['build', dir], { env, maxBuffer: 1 << 28 })).stdout;

/** The fork's vendored Argo CD base: the entry of overlays/argocd/kustomization.yaml that is a directory. */
function argocdBase(forkDir: string): string {
  const overlay = join(forkDir, 'overlays', 'argocd');
  const k = parse(readFileSync(join(overlay, 'kustomization.yaml'), 'utf8')) as { resources?: string[] } | null;
  const base = k?.resources?.find((r) => !r.endsWith('.yaml') && !r.endsWith('.yml'));
  if (base === undefined || base.includes('://')) throw new Error(`${overlay}: no vendored Argo CD base`);
  return join(overlay, base);
}

export async function runOfficialMethod(
  ctx: RunContext,
  opts: { readonly argocd: 'adopted' | 'absent' },
): Promise<OfficialResult> {
  const o = ctx.o;
  const { info, fork, upSeconds } = await freshClusterWithFork(ctx, {
    argocd: opts.argocd === 'absent' ? 'absent' : 'bootstrap',
  });
  const kube = createKube({ kubeconfig: info.kubeconfig });
  const work = mkdtempSync(join(tmpdir(), 'kfg-bench-official-'));
  ctx.defer(() => {
    rmSync(work, { recursive: true, force: true });
  });
  const abort = new AbortController();
  ctx.defer(() => {
    abort.abort();
  });
  const env = { ...process.env, KUBECONFIG: info.kubeconfig, PATH: `${binDir()}:${process.env.PATH ?? ''}` };
  const t0 = performance.now();
  const t0Epoch = Date.now();
  const since = (t: number | undefined) => (t === undefined ? undefined : round((t - t0) / 1000, 2));
  const dir = join(work, 'manifests');
  await cloneFork(info, fork, dir);
  const cloned = performance.now();

  let argocd: { objects: number; appliedAt: number; start: Promise<ArgocdStart | undefined> } | undefined;
  if (opts.argocd === 'absent') {
    const start = startArgocdWhenItsPodsRun(kube, { timeoutMs: o.timeoutMs, signal: abort.signal, log: ctx.log });
    start.catch(() => undefined);
    await run('kubectl', ['create', 'namespace', 'argocd'], { env });
    const install = await kustomize(argocdBase(dir), env);
    const applied = await pipeInto(
      'kubectl',
      ['apply', '-n', 'argocd', '--server-side', '--force-conflicts', '-f', '-'],
      install,
      env,
    );
    if (applied.code !== 0) throw new Error(`official: Argo CD's install failed: ${applied.stderr.slice(0, 500)}`);
    argocd = { objects: parseAllDocuments(install).length, appliedAt: performance.now(), start };
    ctx.log(`official: Argo CD applied (${argocd.objects} objects) at ${since(argocd.appliedAt) ?? '?'} s`);
  }

  const comps = readComponents(dir);
  await ensureClusterSecrets(kube, clusterSecretsFor(comps.map((c) => c.name)));
  const { attempts, rendered } = await applyUntilAccepted(ctx, dir, comps, env, t0);
  const applied = performance.now();
  const docs = parseAllDocuments(rendered)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((d): d is KubeObject => d !== null);
  const deployments = docs.filter((d) => d.kind === 'Deployment');
  const waitNs = [...new Set(deployments.map((d) => d.metadata?.namespace ?? 'default'))].sort();
  const waitFailures: string[] = [];
  for (const ns of waitNs) {
    const left = Math.max(60, Math.round((o.timeoutMs - (performance.now() - t0)) / 1000));
    try {
      await run(
        'kubectl',
        ['wait', '--for=condition=Available', 'deployment', '--all', '-n', ns, `--timeout=${left}s`],
        {
          env,
        },
      );
    } catch (err) {
      waitFailures.push(`${ns}: ${((err as { stderr?: string }).stderr ?? String(err)).trim().slice(0, 300)}`);
    }
  }
  const started = await argocd?.start;
  const end = Math.max(performance.now(), started?.readyAt ?? 0);
  return {
    revision: fork.revision,
    clusterUpSeconds: upSeconds,
    wallSeconds: round((end - t0) / 1000, 2),
    cloneSeconds: round((cloned - t0) / 1000, 2),
    attempts,
    appliedAtSeconds: round((applied - t0) / 1000, 2),
    waitSeconds: round((end - applied) / 1000, 2),
    objects: docs.length,
    deployments: deployments.length,
    namespacesWaited: waitNs,
    waitFailures,
    workloadsAvailable: await lastDeploymentAvailable(kube, t0Epoch),
    argocd:
      argocd === undefined
        ? undefined
        : {
            objects: argocd.objects,
            appliedAtSeconds: since(argocd.appliedAt) ?? 0,
            podsRunningAtSeconds: since(started?.podsRunningAt),
            readyAtSeconds: since(started?.readyAt),
          },
  };
}

/** Upstream's loop: render and apply everything until one apply is accepted whole. */
async function applyUntilAccepted(
  ctx: RunContext,
  dir: string,
  comps: readonly ForkComponent[],
  env: NodeJS.ProcessEnv,
  t0: number,
): Promise<{ attempts: OfficialAttempt[]; rendered: string }> {
  // What Argo CD's CreateNamespace=true does; the official method's example/ ships these namespaces.
  const namespaces = [
    ...new Set(comps.filter((c) => c.createNamespace && c.namespace !== undefined).map((c) => c.namespace)),
  ].map((ns) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns ?? ''}\n`);
  const attempts: OfficialAttempt[] = [];
  for (;;) {
    const r0 = performance.now();
    const parts: string[] = [...namespaces];
    for (const c of comps) parts.push(await kustomize(join(dir, c.path), env));
    const rendered = parts.join('\n---\n');
    const r1 = performance.now();
    const apply = await pipeInto('kubectl', ['apply', '--server-side', '--force-conflicts', '-f', '-'], rendered, env);
    const r2 = performance.now();
    const errors = apply.stderr.split('\n').filter((l) => l.trim() !== '');
    attempts.push({
      renderSeconds: round((r1 - r0) / 1000, 2),
      applySeconds: round((r2 - r1) / 1000, 2),
      ok: apply.code === 0,
      errors: errors.length,
      firstError: errors[0]?.slice(0, 300),
    });
    ctx.log(
      `official: attempt ${attempts.length}: ${apply.code === 0 ? 'applied' : `${errors.length} error line(s), e.g. ${errors[0]?.slice(0, 160) ?? ''}`}`,
    );
    if (apply.code === 0) return { attempts, rendered };
    if (performance.now() - t0 > ctx.o.timeoutMs)
      throw new Error(`official: still failing after ${attempts.length} attempts`);
    // The method's documented pause between attempts (upstream's `sleep 20`), part of what is measured.
    await delay(ctx.o.retrySeconds * 1000);
  }
}
