/**
 * A local path given as --fork: what the filesystem says about it, in the user's terms. Used by the
 * git system, which creates the bare repository there.
 */
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ExitCode, UserError } from '../core/errors.js';

/** Whether `path` is a directory with nothing in it (false when it is missing or not a directory). */
export function isEmptyDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory() && readdirSync(path).length === 0;
  } catch {
    return false;
  }
}

/** Refusals the user fixes by choosing another path (or its permissions), with what each means. */
const REFUSALS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a part of the path is a file, not a directory',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
};

/**
 * The error for a failed mkdir of the fork path: a refusal names the path (exit 2); anything else
 * is passed on as it is.
 */
export function unwritableForkPath(dir: string, err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === undefined ? undefined : REFUSALS[e.code];
  if (why === undefined) return err instanceof Error ? err : new Error(String(err));
  const at = e.path !== undefined && e.path !== dir ? ` at ${e.path}` : '';
  return new UserError(
    `--fork ${dir}: cannot create the bare repository there (${why}, ${e.code ?? ''}${at}); choose a path whose parent directory you can write, or create it first`,
    ExitCode.usage,
    { cause: err },
  );
}

/**
 * What is at a local --fork path, looked at before anything is made: `missing` (nothing there, or an
 * empty directory: the bare repository goes there) or `repository`. A directory that is not a
 * repository, and a path the bare repository could not be created at, are refused now (exit 2),
 * before a run spends minutes cloning and vendoring for a push that cannot happen.
 */
export function inspectForkPath(dir: string): 'missing' | 'repository' {
  if (existsSync(dir) && !isEmptyDirectory(dir)) {
    if (!existsSync(join(dir, 'HEAD')) && !existsSync(join(dir, '.git')))
      throw new UserError(
        `--fork ${dir} exists but is not a git repository; give a missing path, an empty directory, or a repository`,
      );
    return 'repository';
  }
  // mkdir -p creates everything below the nearest existing ancestor: that one must be a writable directory.
  let up = dir;
  while (!existsSync(up) && dirname(up) !== up) up = dirname(up);
  if (!statSync(up).isDirectory())
    throw unwritableForkPath(dir, Object.assign(new Error(up), { code: 'ENOTDIR', path: up }));
  try {
    accessSync(up, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw unwritableForkPath(dir, err);
  }
  return 'missing';
}
