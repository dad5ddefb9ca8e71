/**
 * No default credentials: the Dex user's password is the user's (from --admin-password-file,
 * KFG_ADMIN_PASSWORD or the wizard's masked question) or generated once; only its bcrypt hash goes into the fork. An unchanged
 * password, or none given when the fork already has a hash, changes nothing.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import bcrypt from 'bcryptjs';
import type { ResolvedComponent } from '../catalogue/resolve-components.js';
import { UserError } from '../core/errors.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import { passwordProblem } from '../inputs/password-strength.js';
import { readDexUser } from '../plan/render-dex-user.js';
import { dexPasswordFile } from '../plan/render-overlay.js';

export interface DexPassword {
  /** A new hash to write, or undefined to keep the fork's. */
  readonly hash?: string | undefined;
  /** Set when the password was generated here: shown to the user once, never logged. */
  readonly generated?: string | undefined;
}

export async function ensureDexPassword(
  opts: ForkOptions,
  components: readonly ResolvedComponent[],
  existing: ReadonlyMap<string, string>,
  env: NodeJS.ProcessEnv,
  typed?: string,
): Promise<DexPassword> {
  if (!components.some((c) => c.spec.name === 'dex')) return {};
  const given = await givenAdminPassword(opts, components, env, typed);
  const current = hashIn(existing.get(dexPasswordFile(opts.target)));
  // Another target's overlay in the same fork already holds the user's hash: keep the same password.
  const other =
    current ??
    [...existing]
      .filter(([p]) => /^overlays\/[^/]+\/dex\/dex-passwords\.yaml$/.test(p))
      .map(([, c]) => hashIn(c))
      .find(Boolean);
  if (given !== undefined) {
    if (current !== undefined && (await bcrypt.compare(given, current))) return {};
    return { hash: await bcrypt.hash(given, 12) };
  }
  if (current !== undefined) return {};
  if (other !== undefined) return { hash: other };
  const generated = randomBytes(18).toString('base64url');
  return { hash: await bcrypt.hash(generated, 12), generated };
}

/**
 * The admin password the user gave (--admin-password-file, KFG_ADMIN_PASSWORD or typed), checked:
 * readable, not upstream's default, strong enough. Undefined when none was given or Dex is not
 * installed. `fork` and `install` call it before their first side effect too, so a missing file
 * stops the run before anything is cloned or created.
 */
export async function givenAdminPassword(
  opts: ForkOptions,
  components: readonly ResolvedComponent[],
  env: NodeJS.ProcessEnv,
  typed?: string,
): Promise<string | undefined> {
  if (!components.some((c) => c.spec.name === 'dex')) return undefined;
  const given =
    opts.adminPasswordFile !== undefined
      ? (
          await readFile(opts.adminPasswordFile, 'utf8').catch(() => {
            throw new UserError(`--admin-password-file ${opts.adminPasswordFile} cannot be read`);
          })
        ).replace(/\r?\n$/, '')
      : (env.KFG_ADMIN_PASSWORD ?? typed);
  if (given === undefined) return undefined;
  const source =
    opts.adminPasswordFile !== undefined
      ? `--admin-password-file ${opts.adminPasswordFile}`
      : env.KFG_ADMIN_PASSWORD !== undefined
        ? 'KFG_ADMIN_PASSWORD'
        : 'the prompt';
  if (given === '12341234')
    throw new UserError(`the admin password from ${source} is the upstream default; choose another`);
  const problem = passwordProblem(given, opts.adminEmail);
  if (problem !== undefined) throw new UserError(`the admin password from ${source} ${problem}`);
  return given;
}

function hashIn(file: string | undefined): string | undefined {
  return readDexUser(file).hash;
}
