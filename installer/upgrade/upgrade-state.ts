/**
 * An upgrade stopped on conflicts lives on in the state directory: the working copy with git's merge
 * in progress (`fork/`, where the user resolves), and `upgrade.json` saying which release it goes to.
 * The fork stays the truth: `upgrade.json` only marks that a stop happened and the merge is the
 * user's to finish; a working copy without it is debris of a killed run and is thrown away.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RELEASES, type Release } from '../catalogue/releases.js';
import { displayUrl } from '../systems/git.js';

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
}

/** One place per fork and branch, so two forks never share a working copy. */
export function upgradeDirs(stateDir: string, pushUrl: string, branch: string): UpgradeDirs {
  const id = createHash('sha256').update(`${displayUrl(pushUrl)}#${branch}`).digest('hex').slice(0, 16);
  const root = join(stateDir, 'upgrades', id);
  return { root, workDir: join(root, 'fork'), stateFile: join(root, 'upgrade.json') };
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
  if (!parsed.success) throw new Error(`${dirs.stateFile} is damaged (${parsed.error.issues[0]?.message ?? 'invalid'}); run upgrade --abort to start over`);
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
