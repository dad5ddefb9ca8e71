/**
 * `images`: every image an install of the selection can run, `image:` fields and the references
 * hidden in environment variables, arguments and ConfigMaps alike, each with where it is used.
 * It reads the upstream release (through --upstream and --mirror), lays out the fork's files and
 * vendored bases in a temporary copy, renders every component and changes nothing anywhere.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMAGE_LOCATIONS } from '../../catalogue/image-locations.js';
import { resolveComponents } from '../../catalogue/resolve-components.js';
import type { Deps } from '../../deps.js';
import type { ForkRemote } from '../../execute/locate-fork.js';
import { openForkWorkspace, writeForkChanges } from '../../fork/fork-workspace.js';
import { findImages, type FoundImages } from '../../images/find-images.js';
import { buildImageReport, type ImageReport } from '../../images/image-list.js';
import type { ForkOptions } from '../../inputs/fork-options.js';
import { renderComponents } from '../../steps/render-components.js';

export async function runImages(opts: ForkOptions, deps: Deps): Promise<ImageReport> {
  const components = resolveComponents(opts.components, opts.release);
  const scratch = await mkdtemp(join(deps.tmpDir ?? tmpdir(), 'kubeflow-gitops-images-'));
  try {
    // The release as a new fork would hold it: nothing is read from or written to the user's fork.
    const path = join(scratch, 'fork');
    const remote: ForkRemote = {
      pushUrl: path,
      repoURL: `file://${path}`,
      auth: { tokenHint: opts.tokenEnv },
      missing: 'images reads the upstream release',
    };
    const release = opts;
    const ws = await openForkWorkspace(release, deps, remote);
    try {
      await writeForkChanges(release, deps, ws, remote, components, { vendoring: 'fetch' });
      const rendered = await renderComponents(deps, ws.dir, opts.target, components);
      const locations = IMAGE_LOCATIONS[opts.release];
      const found = new Map<string, FoundImages>(
        [...rendered].map(([name, objects]) => [name, findImages(name, objects, locations)]),
      );
      return buildImageReport(
        { release: opts.release, target: opts.target, surveyed: locations.surveyed !== false },
        found,
      );
    } finally {
      await ws.cleanup();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
