/**
 * Detection latency: how long after an Application's status changes in the API server the installer's
 * own watch code (watchApplications + assessApplication, exactly what `install` and `status --watch`
 * run) has the event. Test Applications live in their own namespace, which Argo CD's controller does
 * not manage, so only this benchmark writes their status.
 *
 * The clock: one monotonic clock (performance.now) in one process. For each change, t0 is taken just
 * before the PATCH is sent, t1 when its response arrives, tE when the installer's handler has assessed
 * the event carrying that change's marker. The API server commits the change somewhere in [t0, t1], so
 * the true latency lies between tE - t1 (lower bound; negative when the event beat the response) and
 * tE - t0 (upper bound). Changes are made one at a time, spread over several Applications.
 */
import { performance } from 'node:perf_hooks';
import { createKube, type KubeObject } from '../../../installer/systems/kube.js';
import { assessApplication, type ArgoApplication } from '../../../installer/watch/assess-application.js';
import { watchApplications } from '../../../installer/watch/watch-applications.js';
import { summarize, type Summary } from './stats.js';

export interface LatencyOptions {
  readonly kubeconfig: string;
  readonly changes: number;
  readonly apps: number;
  readonly warmup: number;
  readonly gapMs: number;
  readonly timeoutMs: number;
  readonly log: (m: string) => void;
}

export interface LatencyResult {
  readonly changes: number;
  readonly lost: number;
  readonly warmup: number;
  readonly apps: number;
  readonly gapMs: number;
  /** Lower bound of the latency: PATCH response -> installer's event (negative: the event came first). */
  readonly responseToEventMs: Summary;
  /** Upper bound: PATCH sent -> installer's event. */
  readonly sendToEventMs: Summary;
  readonly patchRoundTripMs: Summary;
  readonly eventBeforeResponse: number;
  /** What the installer's watch did over all changes: the point is one list and one watch. */
  readonly watch: { readonly lists: number; readonly watches: number; readonly restarts: number };
  readonly watcherRequests: Record<string, number>;
  readonly samples: { readonly responseToEventMs: number[]; readonly sendToEventMs: number[] };
}

export const LATENCY_NAMESPACE = 'kfg-bench-latency';
const LABEL = 'kubeflow-gitops.bench/latency';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function testApp(name: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: LATENCY_NAMESPACE, labels: { [LABEL]: 'true' } },
    spec: {
      project: 'default',
      source: { repoURL: 'https://git.invalid/none.git', path: '.', targetRevision: 'HEAD' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'default' },
    },
  };
}

export async function measureLatency(opts: LatencyOptions): Promise<LatencyResult> {
  const patcher = createKube({ kubeconfig: opts.kubeconfig });
  const watcher = createKube({ kubeconfig: opts.kubeconfig });
  // A namespace left terminating by an earlier run must be gone before it is created again.
  for (let i = 0; i < 120; i++) {
    const ns = await patcher.get({ apiVersion: 'v1', kind: 'Namespace', name: LATENCY_NAMESPACE });
    if (ns?.metadata?.deletionTimestamp === undefined) break;
    await sleep(1000);
  }
  await patcher.createIfAbsent({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: LATENCY_NAMESPACE } });
  const names = Array.from({ length: opts.apps }, (_, i) => `latency-${i}`);
  for (const n of names) await patcher.createIfAbsent(testApp(n));

  const waiting = new Map<string, (t: number) => void>();
  const watch = watchApplications(watcher, {
    namespace: LATENCY_NAMESPACE,
    labelSelector: `${LABEL}=true`,
    onChange: (_name, app: ArgoApplication | undefined) => {
      // The installer's handler: assess the Application, then act on the result.
      const state = assessApplication(app, 'expected-revision-never-pushed');
      const t = performance.now();
      const marker = state.revision;
      if (marker !== undefined) {
        const done = waiting.get(marker);
        if (done) {
          waiting.delete(marker);
          done(t);
        }
      }
    },
    onNote: (m) => {
      opts.log(`watch: ${m}`);
    },
    onFatal: (err) => {
      opts.log(`watch failed: ${err.message}`);
    },
  });
  await watch.synced;

  const responseToEvent: number[] = [];
  const sendToEvent: number[] = [];
  const roundTrip: number[] = [];
  let lost = 0;
  let before = 0;
  const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  try {
    const total = opts.warmup + opts.changes;
    for (let i = 0; i < total; i++) {
      const name = names[i % names.length] ?? 'latency-0';
      const marker = `${run}-${i}`;
      const seen = new Promise<number | undefined>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(marker);
          resolve(undefined);
        }, opts.timeoutMs);
        waiting.set(marker, (t) => {
          clearTimeout(timer);
          resolve(t);
        });
      });
      const t0 = performance.now();
      await patcher.request(
        'PATCH',
        `/apis/argoproj.io/v1alpha1/namespaces/${LATENCY_NAMESPACE}/applications/${name}`,
        {
          status: {
            sync: { status: 'OutOfSync', revision: marker },
            health: { status: i % 2 === 0 ? 'Progressing' : 'Healthy' },
          },
        },
        'application/merge-patch+json',
      );
      const t1 = performance.now();
      const tE = await seen;
      if (i < opts.warmup) continue;
      roundTrip.push(t1 - t0);
      if (tE === undefined) {
        lost += 1;
        continue;
      }
      if (tE < t1) before += 1;
      responseToEvent.push(tE - t1);
      sendToEvent.push(tE - t0);
      if ((i - opts.warmup + 1) % 50 === 0) opts.log(`latency: ${i - opts.warmup + 1}/${opts.changes} changes`);
      if (opts.gapMs > 0) await sleep(opts.gapMs);
    }
  } finally {
    watch.stop();
    await patcher
      .delete({ apiVersion: 'v1', kind: 'Namespace', name: LATENCY_NAMESPACE }, 'Background')
      .catch(() => undefined);
  }
  return {
    changes: opts.changes,
    lost,
    warmup: opts.warmup,
    apps: opts.apps,
    gapMs: opts.gapMs,
    responseToEventMs: summarize(responseToEvent),
    sendToEventMs: summarize(sendToEvent),
    patchRoundTripMs: summarize(roundTrip),
    eventBeforeResponse: before,
    watch: { ...watch.stats },
    watcherRequests: { ...watcher.stats.byVerb },
    samples: {
      responseToEventMs: responseToEvent.map((v) => Math.round(v * 100) / 100),
      sendToEventMs: sendToEvent.map((v) => Math.round(v * 100) / 100),
    },
  };
}
