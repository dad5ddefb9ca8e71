/**
 * The release the fork starts from is there: upstream (through --mirror, when one applies) has its
 * tag. Checked with one `git ls-remote`, before anything is cloned or created, so a mistyped
 * --upstream or a mirror without the tag stops a run that has made nothing yet.
 */
import type { Deps } from '../deps.js';
import { ExternalError, UserError } from '../core/errors.js';
import { applyMirrors } from '../hermetic/vendor-remote-bases.js';
import type { ForkOptions } from '../inputs/fork-options.js';
import { displayUrl } from '../systems/git.js';

export async function checkUpstreamRelease(opts: ForkOptions, deps: Deps): Promise<void> {
  const url = applyMirrors(opts.upstream, opts.mirrors);
  const shown = `--upstream ${displayUrl(opts.upstream)}${url === opts.upstream ? '' : ` (fetched from ${displayUrl(url)})`}`;
  let sha: string | undefined;
  try {
    sha = await deps.git.remoteTagSha(url, opts.release);
  } catch (err) {
    if (err instanceof ExternalError || err instanceof UserError)
      throw new ExternalError(`${shown} cannot be read: ${err.message}; nothing was changed`, err.exitCode, {
        cause: err,
      });
    throw err;
  }
  if (sha === undefined)
    throw new UserError(
      `${shown} has no tag ${opts.release}; nothing was changed. Check --upstream and --mirror, or pass another --release`,
    );
}
