/**
 * The shared runner: every measurement runs in its own context (context.ts, undone whatever happens),
 * its start, end, load averages and error recorded beside its result, and the results file rewritten
 * after each. Repeated measurements are interleaved, run 1 of every method, then run 2 of every
 * method, …, so that a machine that slows down over the bench slows every method alike.
 */
import type { ClusterInfo } from '../../../installer/systems/local-cluster/lifecycle.js';
import { withRun, type BenchOptions, type RunContext } from './context.js';
import {
  load,
  type Context,
  type RepeatedMeasurement,
  type Results,
  type RunRecord,
  type SingleMeasurement,
} from './results.js';

/** What one run's steps share, made fresh for each run. */
export interface RunState {
  /** 1-based. */
  readonly run: number;
  /** The cluster the installer method left installed in this run (watch-cost measures on it). */
  installed?: ClusterInfo;
}

export interface Step {
  readonly name: RepeatedMeasurement;
  readonly measure: (ctx: RunContext, state: RunState) => Promise<unknown>;
  /** Why a result that came back still counts as a failure (the installer's non-zero exit). */
  readonly problem?: (result: never) => string | undefined;
}

export interface Recorder {
  readonly results: Results;
  readonly o: BenchOptions;
  save(): void;
  /** Set once any measurement failed: the bench exits 1. */
  failed: boolean;
}

const errorText = (err: unknown) => (err instanceof Error ? (err.stack ?? err.message) : String(err));

async function timed<T>(
  rec: Recorder,
  label: string,
  fn: (ctx: RunContext) => Promise<T>,
  problem?: (r: T) => string | undefined,
): Promise<{ context: Context; result?: T }> {
  rec.o.log(`=== ${label}`);
  const startedAt = new Date().toISOString();
  const loadBefore = load();
  const end = () => ({ startedAt, loadBefore, finishedAt: new Date().toISOString(), loadAfter: load() });
  try {
    const result = await withRun(rec.o, fn);
    const why = problem?.(result);
    if (why !== undefined) {
      rec.failed = true;
      rec.o.log(`${label} failed: ${why}`);
      return { context: { ...end(), error: why }, result };
    }
    return { context: end(), result };
  } catch (err) {
    rec.failed = true;
    rec.o.log(`${label} failed: ${errorText(err)}`);
    return { context: { ...end(), error: errorText(err) } };
  }
}

/** A measurement taken once per bench. */
export async function recordOnce<T>(
  rec: Recorder,
  name: SingleMeasurement,
  fn: (ctx: RunContext) => Promise<T>,
  put: (result: T) => void,
): Promise<void> {
  rec.results.context[name] = { startedAt: new Date().toISOString(), loadBefore: load() };
  rec.save();
  const { context, result } = await timed(rec, name, fn);
  rec.results.context[name] = context;
  if (result !== undefined) put(result);
  rec.save();
}

/** `runs` runs of every step, interleaved; a failed step is recorded and the next one runs. */
export async function recordRuns(rec: Recorder, runs: number, steps: readonly Step[]): Promise<void> {
  const repeated = rec.results.repeated as Record<RepeatedMeasurement, RunRecord<unknown>[] | undefined>;
  for (const s of steps) repeated[s.name] = [];
  for (let run = 1; run <= runs; run++) {
    const state: RunState = { run };
    for (const s of steps) {
      const { context, result } = await timed(
        rec,
        `${s.name}, run ${run} of ${runs}`,
        (ctx) => s.measure(ctx, state),
        s.problem as ((r: unknown) => string | undefined) | undefined,
      );
      repeated[s.name]?.push({ run, context, result });
      rec.save();
    }
  }
}
