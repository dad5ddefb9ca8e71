/**
 * The registry check of doctor and the install preflight: every image of the selection, as the
 * rewritten fork pulls it (images/registry-check-plan.ts), looked up in the registry with skopeo,
 * a few at a time. Reads only: credentials come from skopeo's own auth files, never arguments.
 * A missing skopeo or an unreachable registry is a failed check with its fix, not a stack trace.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARGOCD_IMAGE_LOCATIONS, IMAGE_LOCATIONS } from '../catalogue/image-locations.js';
import type { Release } from '../catalogue/releases.js';
import { ARGOCD_COMPONENT } from '../core/constants.js';
import { ExitCode, UserError } from '../core/errors.js';
import { findImages } from '../images/find-images.js';
import { IMAGE_LOCK_FILE, parseImageLock } from '../images/image-lock.js';
import { describeMissing, planRegistryCheck, type RegistryCheckItem } from '../images/registry-check-plan.js';
import type { RenderedComponent } from '../plan/crds-ahead.js';
import type { Check } from '../preflight/check.js';
import { checkLogLine } from '../preflight/render-checks.js';
import type { Skopeo } from '../systems/skopeo.js';
import type { Logger } from '../ui/logger.js';

export const REGISTRY_CHECK = 'registry images';
/** Lookups at once: enough to hide each one's round trip, few enough for a registry's rate limits. */
const CONCURRENCY = 4;

export interface RegistryCheckInputs {
  readonly registry: string;
  readonly release: Release;
  /** The fork's working copy, for its image lock. */
  readonly dir: string;
  /** Each component of the selection as the fork renders it, rewrites included. */
  readonly rendered: readonly RenderedComponent[];
  /**
   * Argo CD as the fork renders it (overlays/argocd), when the install will put it in: a cluster
   * that has no Argo CD, or one not known to have it. Undefined where the cluster's is adopted.
   */
  readonly argocd?: readonly unknown[] | undefined;
}

/** Plans the lookups from the renders and the fork's lock, then makes them. */
export async function checkSelectionImages(skopeo: Skopeo, log: Logger, inputs: RegistryCheckInputs): Promise<Check> {
  const text = await readFile(join(inputs.dir, IMAGE_LOCK_FILE), 'utf8').catch(() => undefined);
  const lock = text === undefined ? undefined : parseImageLock(text);
  const uses = inputs.rendered.flatMap((r) => findImages(r.component, r.objects, IMAGE_LOCATIONS[inputs.release]).uses);
  if (inputs.argocd !== undefined)
    uses.push(...findImages(ARGOCD_COMPONENT, inputs.argocd, ARGOCD_IMAGE_LOCATIONS).uses);
  return checkRegistryImages(skopeo, log, inputs.registry, planRegistryCheck(uses, inputs.registry, lock));
}

export async function checkRegistryImages(
  skopeo: Skopeo,
  log: Logger,
  registry: string,
  items: readonly RegistryCheckItem[],
): Promise<Check> {
  const copy = `kubeflow-gitops images --copy-to ${registry} with the same --release, --components and --target`;
  const noSkopeo = await skopeoMissing(skopeo);
  if (noSkopeo !== undefined) return noSkopeo;
  log.step(`looking up ${items.length} images in ${registry}`);
  const missing: string[] = [];
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift())
      if (!(await skopeo.has(item.reference))) missing.push(item.reference);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  } catch (err) {
    queue.length = 0;
    return {
      name: REGISTRY_CHECK,
      status: 'fail',
      message: `cannot look images up in ${registry}: ${messageOf(err)}`,
      fix: `check that ${registry} answers, that skopeo has its credentials (skopeo login ${registry.split('/')[0] ?? registry}) and, for plain HTTP, an insecure entry in registries.conf`,
    };
  }
  missing.sort();
  if (missing.length === 0)
    return {
      name: REGISTRY_CHECK,
      status: 'ok',
      message: `${items.length} of ${items.length} images are in ${registry}`,
    };
  return {
    name: REGISTRY_CHECK,
    status: 'fail',
    message: `${items.length - missing.length} of ${items.length} images are in ${registry}; missing: ${describeMissing(missing)}`,
    fix: copy,
  };
}

/** A failed check when skopeo cannot run, saying how to install it; undefined when it can. */
export async function skopeoMissing(skopeo: Skopeo): Promise<Check | undefined> {
  try {
    await skopeo.version();
    return undefined;
  } catch (err) {
    return { name: REGISTRY_CHECK, status: 'fail', message: messageOf(err), fix: skopeoFix(err) };
  }
}

/** The install preflight's stop: logs the check, and refuses to go on when it failed (exit 3). */
export function passRegistryCheck(check: Check, log: Logger, unchanged: string): void {
  if (check.status === 'ok') {
    log.info(checkLogLine(check));
    return;
  }
  log.warn(checkLogLine(check));
  throw new UserError(
    `preflight failed: ${check.message}; ${unchanged}\n  fix: ${check.fix ?? ''}\n  or install anyway with --no-image-check`,
    ExitCode.preflight,
  );
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));
/** skopeo's own message for a missing skopeo already says how to install it. */
const skopeoFix = (err: unknown): string | undefined =>
  err instanceof UserError
    ? undefined
    : 'install skopeo (apt-get install skopeo, dnf install skopeo, brew install skopeo)';
