/**
 * Runs the installer CLI as its own process, the way a user does, and records when each output line
 * arrived (performance.now of the bench process) and, optionally, the process's memory from
 * /proc/<pid>/status: VmRSS (current) and VmHWM (the kernel's peak RSS, which only grows), every 200 ms
 * and at every output line. The CLI's last line comes just before it exits, so the last sample's VmHWM
 * is the whole run's peak (the kernel drops /proc/<pid> at exit, so it cannot be read later). The
 * node process alone: `/usr/bin/time`'s maximum is that of the largest of it and every child it
 * waited for (git, kustomize), which is not the installer's own memory.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { projectRoot } from '../../support/fixtures.js';

export type CliFlavour = 'dist' | 'tsx';

export interface CliLine {
  readonly at: number;
  readonly stream: 'out' | 'err';
  readonly text: string;
}

export interface MemorySample {
  readonly at: number;
  readonly rssKiB: number;
  readonly hwmKiB: number;
}

export interface CliRun {
  readonly code: number;
  /** performance.now() of the bench process: for durations. */
  readonly startedAt: number;
  readonly endedAt: number;
  /**
   * Date.now() at the same moments, to compare with the API server's timestamps: the monotonic clock
   * drifts from the wall clock on a loaded VM (by 51 s over an hour in one run), so perf + timeOrigin won't do.
   */
  readonly startedAtEpoch: number;
  readonly endedAtEpoch: number;
  readonly seconds: number;
  readonly stdout: string;
  readonly lines: readonly CliLine[];
  readonly memory: readonly MemorySample[];
}

export function cliCommand(flavour: CliFlavour): string[] {
  return flavour === 'dist'
    ? [join(projectRoot, 'dist', 'installer', 'cli.js')]
    : ['--import', 'tsx', join(projectRoot, 'installer', 'cli.ts')];
}

function readMemory(pid: number): { rssKiB: number; hwmKiB: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number.parseInt(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? '', 10);
    const rssKiB = kib('VmRSS');
    const hwmKiB = kib('VmHWM');
    return Number.isFinite(rssKiB) && Number.isFinite(hwmKiB) ? { rssKiB, hwmKiB } : undefined;
  } catch {
    return undefined;
  }
}

export function runCli(
  args: readonly string[],
  opts: {
    readonly flavour: CliFlavour;
    readonly env: NodeJS.ProcessEnv;
    readonly sampleMemory?: boolean;
    readonly onLine?: (line: CliLine) => void;
  },
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const startedAtEpoch = Date.now();
    const child = spawn(process.execPath, [...cliCommand(opts.flavour), ...args], {
      cwd: projectRoot,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: CliLine[] = [];
    const memory: MemorySample[] = [];
    let stdout = '';
    const partial = { out: '', err: '' };
    const sample = () => {
      const m = opts.sampleMemory && child.pid !== undefined ? readMemory(child.pid) : undefined;
      if (m) memory.push({ at: performance.now(), ...m });
    };
    const take = (stream: 'out' | 'err', chunk: Buffer) => {
      sample();
      const at = performance.now();
      const text = partial[stream] + chunk.toString('utf8');
      const parts = text.split('\n');
      partial[stream] = parts.pop() ?? '';
      for (const t of parts) {
        const line = { at, stream, text: t };
        lines.push(line);
        opts.onLine?.(line);
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      take('out', d);
    });
    child.stderr.on('data', (d: Buffer) => {
      take('err', d);
    });
    const sampler = opts.sampleMemory ? setInterval(sample, 200) : undefined;
    child.on('error', (err) => {
      clearInterval(sampler);
      reject(err);
    });
    child.on('exit', () => {
      clearInterval(sampler);
    });
    child.on('close', (code) => {
      const endedAt = performance.now();
      const endedAtEpoch = Date.now();
      for (const s of ['out', 'err'] as const) if (partial[s]) lines.push({ at: endedAt, stream: s, text: partial[s] });
      resolve({
        code: code ?? -1,
        startedAt,
        endedAt,
        startedAtEpoch,
        endedAtEpoch,
        seconds: (endedAt - startedAt) / 1000,
        stdout,
        lines,
        memory,
      });
    });
  });
}

/** The time of the first line matching `re` (at or after `from`), or undefined. */
export function lineAt(run: CliRun, re: RegExp, from = 0): number | undefined {
  return run.lines.find((l) => l.at >= from && re.test(l.text))?.at;
}

export interface MemoryPeaks {
  /** The whole run's peak RSS: the last VmHWM read. */
  readonly hwmKiB: number | undefined;
  /** VmHWM at the last sample before `from`: the peak of everything before the phase. */
  readonly hwmBeforeKiB: number | undefined;
  /** The highest VmRSS sampled at or after `from`: a lower bound of the phase's peak. */
  readonly peakRssAfterKiB: number | undefined;
  /**
   * The phase's own peak RSS, when the samples prove that the whole run's peak lies in it: VmHWM rose
   * after the phase's first sample, or a sample in the phase saw RSS at that peak (or the phase is the
   * whole run). A rise between the last sample before `from` and the first after it may have come
   * just before the phase began, which decides nothing: undefined, and only the lower bound is known.
   */
  readonly phasePeakKiB: number | undefined;
}

/** Peaks of the run and of its phase from `from` on (performance.now clock). Pure. */
export function memoryPeaks(samples: readonly MemorySample[], from = 0): MemoryPeaks {
  const before = samples.filter((s) => s.at < from);
  const after = samples.filter((s) => s.at >= from);
  const hwm = samples.length > 0 ? Math.max(...samples.map((s) => s.hwmKiB)) : undefined;
  const peakRssAfter = after.length > 0 ? Math.max(...after.map((s) => s.rssKiB)) : undefined;
  const first = after[0];
  const inPhase =
    hwm !== undefined &&
    first !== undefined &&
    (before.length === 0 || (peakRssAfter ?? 0) >= hwm || hwm > first.hwmKiB);
  return {
    hwmKiB: hwm,
    hwmBeforeKiB: before.at(-1)?.hwmKiB,
    peakRssAfterKiB: peakRssAfter,
    phasePeakKiB: inPhase ? hwm : undefined,
  };
}

/** Writes every output line with its time since the start, for looking into a run afterwards. */
export function writeCliLog(file: string, run: CliRun): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(
    file,
    run.lines.map((l) => `${((l.at - run.startedAt) / 1000).toFixed(3).padStart(9)} ${l.stream} ${l.text}`).join('\n') +
      `\nexit ${run.code} after ${run.seconds.toFixed(2)} s\n`,
  );
}
