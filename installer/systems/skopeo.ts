/**
 * Copies images between registries with skopeo (Debian's, Fedora's and Homebrew's `skopeo`
 * package). Credentials come only from the standard auth files skopeo reads itself
 * (`$XDG_RUNTIME_DIR/containers/auth.json`, `~/.docker/config.json`, `REGISTRY_AUTH_FILE`), never
 * from arguments; which registries speak plain HTTP, and mirrors, from containers-registries.conf.
 */
import { createHash } from 'node:crypto';
import { execa, ExecaError } from 'execa';
import { ExitCode, ExternalError, UserError } from '../core/errors.js';

export interface Skopeo {
  /** skopeo's version; a clear preflight error when it is not installed. */
  version(): Promise<string>;
  /** The digest of the manifest (or index) a reference names now. */
  digest(reference: string): Promise<string>;
  /** Whether the registry holds this exact manifest already. */
  has(reference: string): Promise<boolean>;
  /** Copies every platform of `from` to `to`, keeping the digest. */
  copy(from: string, to: string): Promise<void>;
}

export const INSTALL_SKOPEO =
  'skopeo is not installed: install it (Debian/Ubuntu: apt-get install skopeo; Fedora: dnf install skopeo; macOS: brew install skopeo) and run again';

/** execa gives bytes for a run with buffer encoding: its stderr then too. */
const text = (v: unknown): string => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v));

export function createSkopeo(
  options: { readonly signal?: AbortSignal | undefined; env?: NodeJS.ProcessEnv } = {},
): Skopeo {
  const run = async (args: string[], encoding: 'utf8' | 'buffer' = 'utf8') => {
    try {
      return await execa('skopeo', args, {
        encoding,
        env: options.env,
        maxBuffer: 64 * 1024 * 1024,
        timeout: 30 * 60_000,
        ...(options.signal ? { cancelSignal: options.signal } : {}),
      });
    } catch (err) {
      if (err instanceof ExecaError && err.code === 'ENOENT') throw new UserError(INSTALL_SKOPEO, ExitCode.preflight);
      throw err;
    }
  };
  const failure = (what: string, err: unknown) => {
    const stderr = err instanceof ExecaError ? text(err.stderr).trim() || err.shortMessage : String(err);
    return new ExternalError(`skopeo could not ${what}: ${stderr.split('\n').slice(-3).join(' ')}`, undefined, {
      cause: err,
    });
  };
  return {
    async version() {
      const { stdout } = await run(['--version']);
      return String(stdout).trim();
    },
    async digest(reference) {
      try {
        // The digest of the bytes served, which is what a pull by digest asks for (an index for
        // multi-platform images, never one platform's manifest).
        const { stdout } = await run(['inspect', '--raw', '--retry-times', '2', `docker://${reference}`], 'buffer');
        return `sha256:${createHash('sha256')
          .update(stdout as Uint8Array)
          .digest('hex')}`;
      } catch (err) {
        if (err instanceof UserError) throw err;
        throw failure(`read ${reference}`, err);
      }
    },
    async has(reference) {
      try {
        await run(['inspect', '--raw', `docker://${reference}`], 'buffer');
        return true;
      } catch (err) {
        if (err instanceof UserError) throw err;
        const stderr = err instanceof ExecaError ? text(err.stderr) : '';
        if (/manifest unknown|not found|name unknown|404/i.test(stderr)) return false;
        throw failure(`read ${reference}`, err);
      }
    },
    async copy(from, to) {
      try {
        await run(['copy', '--all', '--preserve-digests', '--retry-times', '2', `docker://${from}`, `docker://${to}`]);
      } catch (err) {
        if (err instanceof UserError) throw err;
        throw failure(`copy ${from} to ${to}`, err);
      }
    },
  };
}
