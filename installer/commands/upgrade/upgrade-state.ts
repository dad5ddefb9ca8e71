/**
 * An upgrade stopped on conflicts lives on in the state directory: the working copy with git's merge
 * in progress (`fork/`, where the user resolves), and `upgrade.json` saying which release it goes to.
 * The fork stays the truth: `upgrade.json` only marks that a stop happened and the merge is the
 * user's to finish; a working copy without it is debris of a killed run and is thrown away.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { z } from 'zod';
import { RELEASES, type Release } from '../../catalogue/releases.js';
import { ExitCode, UserError } from '../../core/errors.js';
import { displayUrl } from '../../systems/git.js';
import type { Logger } from '../../ui/logger.js';

export interface UpgradeState {
  readonly from: Release;
  readonly to: Release;
  /** The fork as shown to people (no credentials) and the branch. */
  readonly fork: string;
  readonly branch: string;
  /** The branch's commit on the fork when the upgrade started; the push must land on it. */
  readonly remoteSha: string;
  /** Paths left for the user to resolve, as first reported. */
  readonly conflicts: readonly string[];
  readonly startedAt: string;
}

const schema = z.object({
  from: z.enum(RELEASES),
  to: z.enum(RELEASES),
  fork: z.string(),
  branch: z.string(),
  remoteSha: z.string(),
  conflicts: z.array(z.string()),
  startedAt: z.string(),
});

export interface UpgradeDirs {
  /** Everything of this fork and branch's upgrade. */
  readonly root: string;
  /** The working copy (a full clone of the fork branch). */
  readonly workDir: string;
  readonly stateFile: string;
  /** Held while a run works on this fork and branch; beside `root`, which a run deletes. */
  readonly lockFile: string;
}

/** One place per fork and branch, so two forks never share a working copy. */
export function upgradeDirs(stateDir: string, pushUrl: string, branch: string): UpgradeDirs {
  const id = createHash('sha256')
    .update(`${displayUrl(pushUrl)}#${branch}`)
    .digest('hex')
    .slice(0, 16);
  const root = join(stateDir, 'upgrades', id);
  return { root, workDir: join(root, 'fork'), stateFile: join(root, 'upgrade.json'), lockFile: `${root}.lock` };
}

export async function readUpgradeState(dirs: UpgradeDirs): Promise<UpgradeState | undefined> {
  let text;
  try {
    text = await readFile(dirs.stateFile, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const parsed = schema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new Error(
      `${dirs.stateFile} is damaged (${parsed.error.issues[0]?.message ?? 'invalid'}); run upgrade --abort to start over`,
    );
  return parsed.data;
}

export async function writeUpgradeState(dirs: UpgradeDirs, state: UpgradeState): Promise<void> {
  await mkdir(dirs.root, { recursive: true, mode: 0o700 });
  await writeFile(dirs.stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** Forgets the upgrade: working copy and state. */
export async function clearUpgrade(dirs: UpgradeDirs): Promise<void> {
  // Retries: a killed run's orphaned git may still be writing into the working copy.
  await rm(dirs.root, { recursive: true, force: true, maxRetries: 5 });
}

/** A lock left by a killed run goes stale when its holder stops refreshing it: this long after. */
const STALE_MS = 10_000;

/**
 * Runs `work` holding this fork and branch's upgrade lock. Two runs on one machine would otherwise
 * share the working copy: the second's fresh start deletes the first's merge (or its stopped
 * conflicts). proper-lockfile keeps the lock fresh while we run, so a lock whose holder was killed
 * goes stale on its own; a re-run right after a kill waits for that instead of failing.
 */
export async function withUpgradeLock<T>(
  dirs: UpgradeDirs,
  shown: string,
  log: Logger,
  work: () => Promise<T>,
): Promise<T> {
  await mkdir(join(dirs.root, '..'), { recursive: true, mode: 0o700 });
  let lost: Error | undefined;
  const options = {
    realpath: false,
    lockfilePath: dirs.lockFile,
    stale: STALE_MS,
    // The default throws from a timer, killing the process mid-git; note it and fail at the end instead.
    onCompromised: (err: Error) => {
      lost = err;
    },
  };
  let release: () => Promise<void>;
  try {
    release = await lock(dirs.root, { ...options, retries: 0 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    log.info(
      `another upgrade of ${shown} holds ${dirs.lockFile}; waiting up to ${String((STALE_MS * 1.5) / 1000)} s (a killed run's lock goes stale in ${String(STALE_MS / 1000)} s)`,
    );
    try {
      release = await lock(dirs.root, {
        ...options,
        retries: { retries: 15, factor: 1, minTimeout: 1000, maxTimeout: 1000 },
      });
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code !== 'ELOCKED') throw again;
      throw new UserError(
        `another kubeflow-gitops upgrade of ${shown} is running on this machine (it holds ${dirs.lockFile}); wait for it to finish and run this again`,
        ExitCode.conflict,
        { cause: again },
      );
    }
  }
  try {
    return await work();
  } finally {
    await release().catch(() => undefined);
    if (lost !== undefined)
      log.warn(
        `the upgrade lock ${dirs.lockFile} was taken over while this run held it (${lost.message}); check that no other upgrade of ${shown} ran at the same time`,
      );
  }
}
