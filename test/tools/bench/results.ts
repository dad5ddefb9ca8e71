/**
 * The results file: one JSON document per bench run, rewritten after every measurement so an
 * interrupted run keeps what it finished; `--resume <file>` adds to (or replaces parts of) it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname } from 'node:path';
import type { ArgocdResult, InstallerResult, OfficialResult, WatchCostResult } from './e2e.js';
import type { LatencyResult } from './latency.js';
import type { OfflineResult } from './offline.js';

export const MEASUREMENTS = [
  'offline',
  'latency',
  'install',
  'watch-cost',
  'official',
  'argocd',
  'latency-load',
] as const;
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

export interface Results {
  readonly version: 1;
  readonly machine: Machine;
  readonly options: Record<string, unknown>;
  readonly context: Partial<Record<Measurement, Context>>;
  offline?: OfflineResult;
  latency?: LatencyResult & { readonly clusterState: string };
  'latency-load'?: LatencyResult & { readonly clusterState: string };
  install?: InstallerResult;
  'watch-cost'?: WatchCostResult;
  official?: OfficialResult;
  argocd?: ArgocdResult;
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

export function loadResults(file: string): Results {
  const r = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  if (r.version !== 1) throw new Error(`${file}: not a results file of this bench (version ${String(r.version)})`);
  return r as Results;
}

export function newResults(options: Record<string, unknown>): Results {
  return { version: 1, machine: machine(), options, context: {} };
}

/** Atomic: a crash mid-write never leaves half a file. */
export function saveResults(file: string, r: Results): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(r, null, 2)}\n`);
  renameSync(tmp, file);
}

export const resultsExist = (file: string): boolean => existsSync(file);
