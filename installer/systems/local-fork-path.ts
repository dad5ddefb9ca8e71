/**
 * A local path given as --fork: what the filesystem says about it, in the user's terms. Used by the
 * git system, which creates the bare repository there.
 */
import { readdirSync, statSync } from 'node:fs';
import { ExitCode, UserError } from '../errors.js';

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
