/**
 * The results file: one JSON document per bench run, rewritten after every measured run so an
 * interrupted bench keeps what it finished; `--resume <file>` adds to (or replaces parts of) it.
 * Version 2 keeps every run of each end-to-end method; version 1 files (one run each) are read as
 * version 2 with one run.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { InstallerResult } from './installer-result.js';
import type { LatencyResult } from './latency.js';
import type { ArgocdResult } from './method-argocd.js';
import type { OfficialResult } from './method-official.js';
import type { WatchCostResult } from './method-watch-cost.js';
import type { OfflineResult } from './offline.js';

/** Measured once per bench (each is already many samples). */
export const SINGLE_MEASUREMENTS = ['offline', 'latency', 'latency-load'] as const;
/** Measured --runs times, interleaved (run 1 of each, then run 2 of each, …), each on a fresh cluster. */
export const REPEATED_MEASUREMENTS = [
  'install',
  'watch-cost',
  'official',
  'argocd',
  'install-empty',
  'official-empty',
] as const;
export const MEASUREMENTS = [...SINGLE_MEASUREMENTS, ...REPEATED_MEASUREMENTS] as const;
export type SingleMeasurement = (typeof SINGLE_MEASUREMENTS)[number];
export type RepeatedMeasurement = (typeof REPEATED_MEASUREMENTS)[number];
export type Measurement = (typeof MEASUREMENTS)[number];

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly kernel: string;
}

export interface Context {
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** Load averages (1, 5, 15 min) when the measurement started and ended: this machine is shared. */
  readonly loadBefore: readonly number[];
  readonly loadAfter?: readonly number[];
  readonly error?: string;
}

export interface RunRecord<T> {
  /** 1-based. */
  readonly run: number;
  readonly context: Context;
  readonly result?: T | undefined;
}

export interface Repeated {
  install?: RunRecord<InstallerResult>[];
  'watch-cost'?: RunRecord<WatchCostResult>[];
  official?: RunRecord<OfficialResult>[];
  argocd?: RunRecord<ArgocdResult>[];
  'install-empty'?: RunRecord<InstallerResult>[];
  'official-empty'?: RunRecord<OfficialResult>[];
}

export interface Results {
  readonly version: 2;
  readonly machine: Machine;
  readonly options: Record<string, unknown>;
  /** Runs asked per repeated measurement; fewer than MIN_REPORTED_RUNS make a smoke run, not a result. */
  runs: number;
  readonly context: Partial<Record<SingleMeasurement, Context>>;
  offline?: OfflineResult;
  latency?: LatencyResult & { readonly clusterState: string };
  'latency-load'?: LatencyResult & { readonly clusterState: string };
  readonly repeated: Repeated;
}

export function machine(): Machine {
  const c = cpus();
  return {
    cpus: c.length,
    cpuModel: c[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
  };
}

export const load = (): number[] => loadavg().map((v) => Math.round(v * 100) / 100);

interface ResultsV1 {
  version: 1;
  machine: Machine;
  options: Record<string, unknown>;
  context: Partial<Record<Measurement, Context>>;
  offline?: OfflineResult;
  latency?: Results['latency'];
  'latency-load'?: Results['latency-load'];
  install?: InstallerResult;
  'watch-cost'?: WatchCostResult;
  official?: OfficialResult;
  argocd?: ArgocdResult;
}

/** A version 1 file (one run of each method) as version 2. Pure. */
export function fromVersion1(r: ResultsV1): Results {
  const once = <T>(name: RepeatedMeasurement, result: T | undefined): RunRecord<T>[] | undefined => {
    const context = r.context[name];
    if (result === undefined && context === undefined) return undefined;
    return [{ run: 1, context: context ?? { startedAt: '?', loadBefore: [] }, result }];
  };
  const repeated: Repeated = {};
  const install = once('install', r.install);
  const watchCost = once('watch-cost', r['watch-cost']);
  const official = once('official', r.official);
  const argocd = once('argocd', r.argocd);
  if (install) repeated.install = install;
  if (watchCost) repeated['watch-cost'] = watchCost;
  if (official) repeated.official = official;
  if (argocd) repeated.argocd = argocd;
  const context: Results['context'] = {};
  for (const m of SINGLE_MEASUREMENTS) {
    const c = r.context[m];
    if (c) context[m] = c;
  }
  return {
    version: 2,
    machine: r.machine,
    options: r.options,
    runs: 1,
    context,
    ...(r.offline ? { offline: r.offline } : {}),
    ...(r.latency ? { latency: r.latency } : {}),
    ...(r['latency-load'] ? { 'latency-load': r['latency-load'] } : {}),
    repeated,
  };
}

export function loadResults(file: string): Results {
  const r = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  if (r.version === 1) return fromVersion1(r as ResultsV1);
  if (r.version !== 2) throw new Error(`${file}: not a results file of this bench (version ${String(r.version)})`);
  return r as Results;
}

export function newResults(options: Record<string, unknown>, runs: number): Results {
  return { version: 2, machine: machine(), options, runs, context: {}, repeated: {} };
}

/** Atomic: a crash mid-write never leaves half a file. */
export function saveResults(file: string, r: Results): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(r, null, 2)}\n`);
  renameSync(tmp, file);
}

export const resultsExist = (file: string): boolean => existsSync(file);
