/** The installer method's record from its raw material: marks, memory phases, API counts. */
import { describe, expect, it } from 'vitest';
import type { ProxiedRequest } from '../../tools/bench/api-proxy.js';
import { hostedPodsRunning } from '../../tools/bench/argocd-pods.js';
import { installerResult, type InstallerRaw } from '../../tools/bench/installer-result.js';
import type { CliRun } from '../../tools/bench/run-cli.js';
import { workloadsAvailable } from '../../tools/bench/workloads.js';

const line = (at: number, text: string) => ({ at, stream: 'err' as const, text });
const req = (at: number, method: string, verb: ProxiedRequest['verb'], path: string, resource?: string) =>
  ({ at, method, verb, path, resource }) as ProxiedRequest;

const cli: CliRun = {
  code: 0,
  startedAt: 1000,
  endedAt: 61_000,
  startedAtEpoch: Date.parse('2026-12-03T10:00:00Z'),
  endedAtEpoch: Date.parse('2026-12-03T10:01:00Z'),
  seconds: 60,
  stdout: 'done main abc\n',
  lines: [
    line(5000, '► pushed 1234567 to http://x/forks/f.git main'),
    line(20_000, '► applying the root Application "kubeflow" (x main @ 1234567)'),
    line(60_900, '  istio ready — Synced, Healthy'),
  ],
  memory: [
    { at: 10_000, rssKiB: 200 * 1024, hwmKiB: 250 * 1024 },
    { at: 30_000, rssKiB: 150 * 1024, hwmKiB: 250 * 1024 },
    { at: 60_950, rssKiB: 120 * 1024, hwmKiB: 250 * 1024 },
  ],
};

const raw: InstallerRaw = {
  cli,
  proxy: {
    startedAt: 900,
    requests: [
      req(1000, 'GET', 'discovery', '/api'),
      req(
        20_000,
        'PATCH',
        'patch',
        '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/kubeflow',
        'argoproj.io/applications',
      ),
      req(
        21_100,
        'GET',
        'watch',
        '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications?watch=true',
        'argoproj.io/applications',
      ),
      req(
        40_000,
        'PATCH',
        'patch',
        '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/istio',
        'argoproj.io/applications',
      ),
    ],
  },
  revision: 'abc',
  log: 'x.log',
  clusterUpSeconds: 12,
  argocd: 'installed',
  argocdStart: { podsRunningAt: 9000, readyAt: 11_000 },
  names: ['istio'],
  readiness: {
    readyAt: { istio: 60_970 },
    argoReadyAt: {},
    allReadyAt: 60_970,
    lastComponent: 'istio',
    argoAllReadyAt: Date.parse('2026-12-03T10:00:59Z'),
    argoLastComponent: 'istio',
  },
  waves: { istio: 20 },
  workloadsAvailable: { seconds: 40, deployments: 3, notAvailable: 0 },
  operations: [],
  observerCaughtUp: true,
  observerWatch: { lists: 1, watches: 1, restarts: 0 },
  nodeOptions: '--max-old-space-size=96',
};

describe('installerResult', () => {
  const r = installerResult(raw);

  it('times each mark from the installer start', () => {
    expect(r.marks).toEqual({
      forkDone: 4,
      rootApplied: 19,
      watchStarted: 21,
      allReady: 59.97,
      argocdPodsRunning: 8,
      argocdReady: 10,
    });
    expect(r.overhead.exitAfterObservedReadyMs).toBe(30);
    expect(r.overhead.exitAfterInstallerReadyLineMs).toBe(100);
    // Argo CD's whole-second timestamp against the wall clock at exit, never the monotonic one.
    expect(r.overhead.exitAfterArgoTimestampMs).toBe(1000);
  });

  it('splits the requests at the watch and counts the refreshes', () => {
    expect(r.api.beforeWatch.total).toBe(2);
    expect(r.api.duringWatch.total).toBe(2);
    expect(r.api.duringWatchRequests.map((q) => q.path)).toEqual([
      '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/istio',
    ]);
    expect(r.refreshPatches).toBe(2);
  });

  it('the peak came before the watch: the watch has only its sampled maximum', () => {
    expect(r.memory).toEqual({
      peakRssMiB: 250,
      peakRssDuringWatchMiB: 150,
      hwmBeforeWatchMiB: 250,
      watchPeakMiB: undefined,
      samples: 3,
      timeline: [
        [9, 200, 250],
        [29, 150, 250],
        [59.95, 120, 250],
      ],
      nodeOptions: '--max-old-space-size=96',
    });
  });
});

describe("Argo CD's pods, as kwok reports them", () => {
  const pod = (name: string, phase: string, image = 'quay.io/argoproj/argocd:v3.5.1') => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${name}-0`, labels: { 'app.kubernetes.io/name': name } },
    spec: { containers: [{ image }] },
    status: { phase },
  });

  it('run once the controller, repo-server and redis pods are Running, with the controller image version', () => {
    const all = [pod('argocd-application-controller', 'Running'), pod('argocd-repo-server', 'Running')];
    expect(hostedPodsRunning(all)).toEqual({ running: false, version: 'v3.5.1' });
    expect(hostedPodsRunning([...all, pod('argocd-redis', 'Pending', 'redis:8')]).running).toBe(false);
    expect(hostedPodsRunning([...all, pod('argocd-redis', 'Running', 'redis:8')]).running).toBe(true);
    expect(hostedPodsRunning([])).toEqual({ running: false, version: undefined });
  });
});

describe('workloadsAvailable', () => {
  const dep = (status: string, at: string) => ({
    status: { conditions: [{ type: 'Available', status, lastTransitionTime: at }] },
  });

  it("is the last Deployment's Available time after the start, or nothing while one is not Available", () => {
    const start = Date.parse('2026-12-03T10:00:00Z');
    expect(
      workloadsAvailable([dep('True', '2026-12-03T10:00:31Z'), dep('True', '2026-12-03T10:00:12Z')], start),
    ).toEqual({ seconds: 31, deployments: 2, notAvailable: 0 });
    expect(
      workloadsAvailable([dep('True', '2026-12-03T10:00:31Z'), dep('False', '2026-12-03T10:00:40Z')], start),
    ).toEqual({ seconds: undefined, deployments: 2, notAvailable: 1 });
  });
});
