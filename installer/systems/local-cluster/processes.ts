/**
 * Process bookkeeping for the local cluster: every long-running child gets its own process group, its
 * output in `<state>/logs/<name>.log` and its pid in `<state>/pids/<name>.pid`. `down` (a different
 * process, possibly days later) only ever signals a pid whose /proc cmdline still matches what we
 * started, so a recycled pid is never killed.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ComponentFailedError } from './errors.js';

export interface ManagedSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** What /proc/<pid>/cmdline must contain to still be this process; defaults to `command`. */
  match?: string;
}

export interface PidRecord {
  pid: number;
  /** A substring of /proc/<pid>/cmdline that identifies our process (the executable path). */
  match: string;
}

export function tailFile(file: string, lines = 40): string {
  if (!existsSync(file)) return '(no log file)';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

export function logFile(logsDir: string, name: string): string {
  return join(logsDir, `${name}.log`);
}

function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/** The argv a process was started with (command first), or undefined when it is gone. */
export function processArgv(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').slice(0, raw.endsWith('\0') ? -1 : undefined);
  } catch {
    return undefined;
  }
}

/** Zombies count as dead: a detached child whose parent is gone is reaped by init, but be safe. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

export function readPid(pidsDir: string, name: string): PidRecord | undefined {
  const file = join(pidsDir, `${name}.pid`);
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as PidRecord;
  return typeof parsed.pid === 'number' ? parsed : undefined;
}

/** The pid if the recorded process is still ours and alive. */
export function runningPid(pidsDir: string, name: string): number | undefined {
  const rec = readPid(pidsDir, name);
  if (!rec || !isAlive(rec.pid)) return undefined;
  return cmdline(rec.pid)?.includes(rec.match) ? rec.pid : undefined;
}

/** Starts a detached child in its own process group with output appended to its log. */
export function startManaged(spec: ManagedSpec, logsDir: string, pidsDir: string): number {
  const log = logFile(logsDir, spec.name);
  // Truncated per start so readiness checks and failure tails see only this run.
  const fd = openSync(log, 'w');
  const opts: SpawnOptions = { detached: true, stdio: ['ignore', fd, fd], env: spec.env ?? process.env };
  if (spec.cwd) opts.cwd = spec.cwd;
  const child = spawn(spec.command, spec.args, opts);
  closeSync(fd);
  if (child.pid === undefined)
    throw new ComponentFailedError(spec.name, `could not spawn ${spec.command}`, log, tailFile(log));
  child.unref();
  const rec: PidRecord = { pid: child.pid, match: spec.match ?? spec.command };
  writeFileSync(join(pidsDir, `${spec.name}.pid`), JSON.stringify(rec));
  return child.pid;
}

/** SIGTERM the process group, wait, then SIGKILL. Only for pids that pass the cmdline check. */
export async function stopManaged(pidsDir: string, name: string, graceMs = 10_000): Promise<boolean> {
  const pid = runningPid(pidsDir, name);
  rmSync(join(pidsDir, `${name}.pid`), { force: true });
  if (pid === undefined) return false;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(200);
  if (isAlive(pid)) signal('SIGKILL');
  while (isAlive(pid)) await sleep(100);
  return true;
}

export function recordedNames(pidsDir: string): string[] {
  if (!existsSync(pidsDir)) return [];
  return readdirSync(pidsDir)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => f.slice(0, -4));
}

/** Peak RSS (VmHWM) in KiB of one process, or 0 when it is gone. */
export function peakRssKiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export interface WaitOptions {
  name: string;
  timeoutMs: number;
  log: string;
  /** When set, a dead process ends the wait early with its log tail. */
  pid?: number;
  intervalMs?: number;
}

/** Polls `check` until it returns true; on timeout or process death throws with the log tail. */
export async function waitFor(check: () => Promise<boolean>, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (opts.pid !== undefined && !isAlive(opts.pid)) {
      throw new ComponentFailedError(opts.name, 'process exited before it became ready', opts.log, tailFile(opts.log));
    }
    try {
      // Ready only counts while our process is still alive (not a stranger answering on the port).
      if ((await check()) && (opts.pid === undefined || isAlive(opts.pid))) return;
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
    }
    await sleep(opts.intervalMs ?? 500);
  }
  const why = `not ready after ${Math.round(opts.timeoutMs / 1000)}s${lastError ? ` (last error: ${lastError})` : ''}`;
  throw new ComponentFailedError(opts.name, why, opts.log, tailFile(opts.log));
}

/** Runs a command to completion with output to a log file; throws with the tail on failure. */
export async function runLogged(
  name: string,
  command: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; log: string },
): Promise<void> {
  const fd = openSync(opts.log, 'a');
  const spawnOpts: SpawnOptions = { stdio: ['ignore', fd, fd], env: opts.env ?? process.env };
  if (opts.cwd) spawnOpts.cwd = opts.cwd;
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, args, spawnOpts);
    child.on('error', reject);
    child.on('close', resolve);
  }).finally(() => {
    closeSync(fd);
  });
  if (code !== 0) {
    throw new ComponentFailedError(
      name,
      `${command} ${args.join(' ')} exited with ${code}`,
      opts.log,
      tailFile(opts.log),
    );
  }
}
