/**
 * What one run of the installer method records, built from its raw material (the CLI's output and
 * memory samples, the counting proxy's requests, the observer's events, the Applications at the end).
 * Pure, so the arithmetic is tested without a cluster.
 */
import type { ProxiedRequest } from './api-proxy.js';
import { countByVerb, type Verb } from './classify-request.js';
import type { Readiness } from './observer.js';
import type { OperationSummary } from './operation-state.js';
import { lineAt, memoryPeaks, type CliRun } from './run-cli.js';
import { round } from './stats.js';
import type { WorkloadsAvailable } from './workloads.js';

export interface ApiCounts {
  readonly total: number;
  readonly byVerb: Record<Verb, number>;
}

export interface InstallerResult {
  readonly components: readonly string[];
  readonly revision: string;
  readonly exitCode: number;
  readonly log: string;
  readonly clusterUpSeconds: number;
  /** Argo CD as the local cluster runs it (adopted), or installed by the installer into an empty cluster. */
  readonly argocd?: 'adopted' | 'installed' | undefined;
  readonly wallSeconds: number;
  /** From the installer's start: fork pushed, root applied, watch started, last component ready (observer). */
  readonly marks: {
    readonly forkDone?: number | undefined;
    readonly rootApplied?: number | undefined;
    readonly watchStarted?: number | undefined;
    readonly allReady?: number | undefined;
    /** Installed Argo CD: its pods Running, and its processes ready (started then by the bench). */
    readonly argocdPodsRunning?: number | undefined;
    readonly argocdReady?: number | undefined;
  };
  readonly lastComponent: string | undefined;
  readonly componentReadySeconds: Record<string, number | undefined>;
  /** Each component's sync wave (older results lack it). */
  readonly componentWaves?: Record<string, number> | undefined;
  /** Refresh requests (PATCHes of Applications) over the whole run (older results lack it). */
  readonly refreshPatches?: number | undefined;
  /** The last Deployment's Available transition, seconds after the start (its condition's whole-second time). */
  readonly workloadsAvailable?: WorkloadsAvailable | undefined;
  /** Each Application's last sync operation after the run: did Argo CD sync anything itself? */
  readonly operations?: readonly OperationSummary[] | undefined;
  /** Whether the observer had every Application's final state before it stopped (else the times may miss the end). */
  readonly observerCaughtUp?: boolean | undefined;
  readonly overhead: {
    /** Exit minus when the bench's observer saw the last component ready (ms clock). */
    readonly exitAfterObservedReadyMs: number | undefined;
    /** Exit minus the installer's own "ready" line for the last component. */
    readonly exitAfterInstallerReadyLineMs: number | undefined;
    /** Exit minus Argo CD's timestamp (whole seconds) for the last component: the true value is up to 1 s less. */
    readonly exitAfterArgoTimestampMs: number | undefined;
    readonly argoLastComponent: string | undefined;
  };
  readonly api: {
    readonly all: ApiCounts;
    readonly beforeWatch: ApiCounts;
    readonly duringWatch: ApiCounts;
    readonly watchSeconds: number | undefined;
    /** Every request other than the watch itself after the watch started: they should be refresh PATCHes only. */
    readonly duringWatchRequests: readonly {
      readonly atSeconds: number;
      readonly method: string;
      readonly path: string;
      readonly status?: number | undefined;
    }[];
    /** Every request of the run, seconds after the installer started (path without query). */
    readonly requests?: readonly {
      readonly atSeconds: number;
      readonly method: string;
      readonly verb: Verb;
      readonly path: string;
      readonly status?: number | undefined;
    }[];
  };
  readonly memory: {
    /** The whole run's peak RSS (VmHWM at the last output line, just before exit). */
    readonly peakRssMiB: number | undefined;
    /** The highest VmRSS sampled while watching (a lower bound of the watch's peak). */
    readonly peakRssDuringWatchMiB: number | undefined;
    /** VmHWM when the watch opened: the peak of everything before it. */
    readonly hwmBeforeWatchMiB?: number | undefined;
    /** The watch's own peak when the samples decide it (memoryPeaks), else undefined. */
    readonly watchPeakMiB?: number | undefined;
    readonly samples: number;
    /** Every sample: [seconds from the start, VmRSS MiB, VmHWM MiB], to see when the memory went up. */
    readonly timeline?: readonly (readonly [number, number, number])[] | undefined;
    /** NODE_OPTIONS the CLI ran with, when any (a --max-old-space-size experiment). */
    readonly nodeOptions?: string | undefined;
  };
  readonly observerWatch: { readonly lists: number; readonly watches: number; readonly restarts: number };
}

export interface InstallerRaw {
  readonly cli: CliRun;
  /** `start` is the proxy's start on the performance.now clock. */
  readonly proxy: { readonly startedAt: number; readonly requests: readonly ProxiedRequest[] };
  readonly revision: string;
  readonly log: string;
  readonly clusterUpSeconds: number;
  readonly argocd: 'adopted' | 'installed';
  readonly argocdStart?: { readonly podsRunningAt: number; readonly readyAt: number } | undefined;
  readonly names: readonly string[];
  readonly readiness: Readiness;
  readonly waves: Record<string, number>;
  readonly workloadsAvailable: WorkloadsAvailable;
  readonly operations: readonly OperationSummary[];
  readonly observerCaughtUp: boolean;
  readonly observerWatch: InstallerResult['observerWatch'];
  readonly nodeOptions: string;
}

const counts = (reqs: readonly ProxiedRequest[]): ApiCounts => ({ total: reqs.length, byVerb: countByVerb(reqs) });
const mib = (k: number | undefined) => (k === undefined ? undefined : round(k / 1024, 0));

export function installerResult(raw: InstallerRaw): InstallerResult {
  const { cli, proxy } = raw;
  const secs = (ms: number | undefined) => (ms === undefined ? undefined : round(ms / 1000, 2));
  const from = (t: number | undefined) => (t === undefined ? undefined : secs(t - cli.startedAt));
  const watchReq = proxy.requests.find((q) => q.verb === 'watch' && q.resource === 'argoproj.io/applications');
  const watchAt = watchReq ? proxy.startedAt + watchReq.at : undefined;
  const before = proxy.requests.filter((q) => watchAt === undefined || proxy.startedAt + q.at < watchAt);
  const during = proxy.requests.filter((q) => watchAt !== undefined && proxy.startedAt + q.at >= watchAt);
  const lastReadyLine = [...cli.lines].reverse().find((l) => / ready — /.test(l.text))?.at;
  const mem = memoryPeaks(cli.memory, watchAt ?? Number.POSITIVE_INFINITY);
  const r = raw.readiness;
  return {
    components: raw.names,
    revision: raw.revision,
    exitCode: cli.code,
    log: raw.log,
    clusterUpSeconds: raw.clusterUpSeconds,
    argocd: raw.argocd,
    wallSeconds: round(cli.seconds, 2),
    marks: {
      forkDone: from(lineAt(cli, /pushed [0-9a-f]{7} to|fork is up to date/)),
      rootApplied: from(lineAt(cli, /applying the root Application/)),
      watchStarted: from(watchAt),
      allReady: from(r.allReadyAt),
      argocdPodsRunning: from(raw.argocdStart?.podsRunningAt),
      argocdReady: from(raw.argocdStart?.readyAt),
    },
    lastComponent: r.lastComponent,
    componentReadySeconds: Object.fromEntries(raw.names.map((n) => [n, from(r.readyAt[n])])),
    componentWaves: raw.waves,
    refreshPatches: proxy.requests.filter((q) => q.verb === 'patch' && q.resource === 'argoproj.io/applications')
      .length,
    workloadsAvailable: raw.workloadsAvailable,
    operations: raw.operations,
    observerCaughtUp: raw.observerCaughtUp,
    overhead: {
      exitAfterObservedReadyMs: r.allReadyAt !== undefined ? round(cli.endedAt - r.allReadyAt) : undefined,
      exitAfterInstallerReadyLineMs: lastReadyLine !== undefined ? round(cli.endedAt - lastReadyLine) : undefined,
      exitAfterArgoTimestampMs: r.argoAllReadyAt !== undefined ? round(cli.endedAtEpoch - r.argoAllReadyAt) : undefined,
      argoLastComponent: r.argoLastComponent,
    },
    api: {
      all: counts(proxy.requests),
      beforeWatch: counts(before),
      duringWatch: counts(during),
      watchSeconds: watchAt !== undefined ? secs(cli.endedAt - watchAt) : undefined,
      duringWatchRequests: during
        .filter((q) => q !== watchReq)
        .map((q) => ({
          atSeconds: round((proxy.startedAt + q.at - (watchAt ?? 0)) / 1000, 2),
          method: q.method,
          path: q.path.split('?')[0] ?? q.path,
          status: q.status,
        })),
      requests: proxy.requests.map((q) => ({
        atSeconds: round((proxy.startedAt + q.at - cli.startedAt) / 1000, 2),
        method: q.method,
        verb: q.verb,
        path: q.path.split('?')[0] ?? q.path,
        status: q.status,
      })),
    },
    memory: {
      peakRssMiB: mib(mem.hwmKiB),
      peakRssDuringWatchMiB: mib(mem.peakRssAfterKiB),
      hwmBeforeWatchMiB: mib(mem.hwmBeforeKiB),
      watchPeakMiB: mib(mem.phasePeakKiB),
      samples: cli.memory.length,
      timeline: cli.memory.map(
        (m) => [round((m.at - cli.startedAt) / 1000, 2), round(m.rssKiB / 1024, 1), round(m.hwmKiB / 1024, 1)] as const,
      ),
      nodeOptions: raw.nodeOptions !== '' ? raw.nodeOptions : undefined,
    },
    observerWatch: raw.observerWatch,
  };
}
