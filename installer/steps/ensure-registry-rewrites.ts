/**
 * `--registry`: every component of the fork pulls its images from the user's registry. For each
 * component, a kustomize Component `overlays/<target>/<component>/registry/` (images: entries and
 * patches, images/registry-overlay.ts) derived from the component's own render, and the overlay
 * listing it. Digests come from the fork's image lock when there is one. An ensure-step: run again
 * on the same release and registry, it writes the same bytes.
 *
 * Argo CD's own overlay (overlays/argocd) gets the same Component, `overlays/argocd/registry/`:
 * whether install applies it (no Argo CD in the cluster) or adopts the cluster's is decided only at
 * install time, so a fork with a registry always has it; on an adopted Argo CD it is simply unused.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isSeq, parse, parseDocument, YAMLSeq } from 'yaml';
import { ARGOCD_IMAGE_LOCATIONS, IMAGE_LOCATIONS } from '../catalogue/image-locations.js';
import type { Release } from '../catalogue/releases.js';
import type { Target } from '../catalogue/targets.js';
import type { Deps } from '../deps.js';
import { findImages } from '../images/find-images.js';
import { IMAGE_LOCK_FILE, parseImageLock, type ImageLock } from '../images/image-lock.js';
import { REGISTRY_ANNOTATION, REGISTRY_COMPONENT_DIR, renderRegistryComponent } from '../images/registry-overlay.js';
import { overlayDir } from '../plan/render-overlay.js';
import { ARGOCD_COMPONENT, ARGOCD_OVERLAY_DIR, ARGOCD_VERSION } from '../core/constants.js';
import { renderArgoCd, renderComponents } from './render-components.js';

export interface RegistryInputs {
  readonly registry: string;
  readonly release: Release;
  readonly target: Target;
}

// kustomize refuses a kustomization with nothing but its kind: the name keeps this one valid.
const EMPTY_COMPONENT = 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nmetadata:\n  name: registry\n';

export async function ensureRegistryRewrites(
  deps: Pick<Deps, 'kustomize' | 'log'>,
  dir: string,
  inputs: RegistryInputs,
  components: readonly string[],
): Promise<string[]> {
  deps.log.step(`pointing every image at ${inputs.registry}`);
  const lock = await readLock(dir);
  const files = (name: string) => join(dir, overlayDir(inputs.target, name), REGISTRY_COMPONENT_DIR);
  // Render without the old rewrites, so they are derived from the release's own references.
  for (const name of components) {
    await mkdir(files(name), { recursive: true });
    await writeFile(join(files(name), 'kustomization.yaml'), EMPTY_COMPONENT);
    await listComponent(join(dir, overlayDir(inputs.target, name), 'kustomization.yaml'));
  }
  const rendered = await renderComponents(deps, dir, inputs.target, components);
  const written: string[] = [];
  for (const name of components) {
    const objects = rendered.get(name) ?? [];
    const { uses } = findImages(name, objects, IMAGE_LOCATIONS[inputs.release]);
    const text = renderRegistryComponent({ ...inputs, component: name, uses, objects, lock });
    await writeFile(join(files(name), 'kustomization.yaml'), text);
    written.push(join(overlayDir(inputs.target, name), REGISTRY_COMPONENT_DIR, 'kustomization.yaml'));
  }
  const argocd = await ensureArgoCdRewrites(deps, dir, inputs, lock);
  return argocd === undefined ? written : [...written, argocd];
}

/** The same for Argo CD's overlay, when the fork has one (a user may have removed it). */
async function ensureArgoCdRewrites(
  deps: Pick<Deps, 'kustomize' | 'log'>,
  dir: string,
  inputs: RegistryInputs,
  lock: ImageLock | undefined,
): Promise<string | undefined> {
  const overlay = join(dir, ARGOCD_OVERLAY_DIR, 'kustomization.yaml');
  if ((await readFile(overlay, 'utf8').catch(() => undefined)) === undefined) return undefined;
  const files = join(dir, ARGOCD_OVERLAY_DIR, REGISTRY_COMPONENT_DIR);
  await mkdir(files, { recursive: true });
  await writeFile(join(files, 'kustomization.yaml'), EMPTY_COMPONENT);
  await listComponent(overlay);
  const objects = await renderArgoCd(deps, dir);
  const { uses } = findImages(ARGOCD_COMPONENT, objects, ARGOCD_IMAGE_LOCATIONS);
  const text = renderRegistryComponent({
    ...inputs,
    component: ARGOCD_COMPONENT,
    source: `Argo CD ${ARGOCD_VERSION}, installed where the cluster has none`,
    uses,
    objects,
    lock,
  });
  await writeFile(join(files, 'kustomization.yaml'), text);
  return join(ARGOCD_OVERLAY_DIR, REGISTRY_COMPONENT_DIR, 'kustomization.yaml');
}

/** The registry a fork's rewrites point at (upgrade keeps it), read from any component's rewrites. */
export async function forkRegistry(dir: string, target: Target): Promise<string | undefined> {
  const root = join(dir, overlayDir(target, ''));
  for (const name of (await readdir(root).catch(() => [])).sort()) {
    const text = await readFile(join(root, name, REGISTRY_COMPONENT_DIR, 'kustomization.yaml'), 'utf8').catch(
      () => undefined,
    );
    const registry =
      text === undefined ? undefined : (parse(text) as Component | null)?.metadata?.annotations?.[REGISTRY_ANNOTATION];
    if (typeof registry === 'string') return registry;
  }
  return undefined;
}

interface Component {
  metadata?: { annotations?: Record<string, unknown> };
}

async function readLock(dir: string): Promise<ImageLock | undefined> {
  const text = await readFile(join(dir, IMAGE_LOCK_FILE), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseImageLock(text);
}

/** Adds `registry` to the overlay's components, last, keeping the rest of the user's file as it is. */
async function listComponent(file: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  const doc = parseDocument(text);
  const current = doc.get('components');
  if (
    isSeq(current) &&
    current.items.some((i) => String((i as { value?: unknown }).value ?? i) === REGISTRY_COMPONENT_DIR)
  )
    return;
  if (isSeq(current)) current.add(doc.createNode(REGISTRY_COMPONENT_DIR));
  else {
    const seq = new YAMLSeq();
    seq.add(doc.createNode(REGISTRY_COMPONENT_DIR));
    doc.set('components', seq);
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, doc.toString({ lineWidth: 0 }));
}
