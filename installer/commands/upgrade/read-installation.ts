/**
 * What a fork has installed, read from the fork itself: the Applications `fork` wrote (marked with
 * the component annotation) name the components, and their paths (`overlays/<target>/<component>`)
 * name the target. The release comes from git (the newest upstream release tag the branch contains),
 * not from here. Nothing local is trusted over the fork. Pure.
 */
import { parseAllDocuments } from 'yaml';
import { COMPONENTS } from '../../catalogue/components.js';
import { isTarget, type Footprint, type Target } from '../../catalogue/targets.js';
import { ANNOTATION_COMPONENT, FORK_APPS_DIR, FORK_OVERLAYS_DIR } from '../../core/constants.js';
import { ExitCode, UserError } from '../../core/errors.js';

export interface Installation {
  /** Catalogue names of the installed components, sorted. */
  readonly components: readonly string[];
  /** The Application file of each installed component. */
  readonly appFiles: ReadonlyMap<string, string>;
  readonly target: Target;
  /** Only matters for overlays an upgrade creates (components new to the selection). */
  readonly footprint: Footprint;
}

interface AppDoc {
  kind?: unknown;
  metadata?: { annotations?: Record<string, unknown> };
  spec?: { source?: { path?: unknown } };
}

const KNOWN = new Set(COMPONENTS.map((c) => c.name));

/** True for `kubeflow-apps/<name>.yaml` (the root folder and other subfolders are not children). */
export function isTopLevelAppFile(path: string): boolean {
  const rest = path.startsWith(`${FORK_APPS_DIR}/`) ? path.slice(FORK_APPS_DIR.length + 1) : '/';
  return !rest.includes('/') && /\.ya?ml$/.test(rest);
}

/**
 * @param existing the fork's kubeflow-apps/ and overlays/ files, keyed by repository path.
 * @param where how to name the fork in messages.
 * @throws UserError when the fork holds no kubeflow-gitops Applications or their paths disagree on the target.
 */
export function readInstallation(existing: ReadonlyMap<string, string>, where: string): Installation {
  const appFiles = new Map<string, string>();
  const targets = new Map<string, string[]>();
  for (const [path, text] of existing) {
    if (!isTopLevelAppFile(path)) continue;
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) continue;
      const app = doc.toJS() as AppDoc | null;
      const name = app?.metadata?.annotations?.[ANNOTATION_COMPONENT];
      if (app?.kind !== 'Application' || typeof name !== 'string' || !KNOWN.has(name)) continue;
      appFiles.set(name, path);
      const source = app.spec?.source?.path;
      const m = typeof source === 'string' ? new RegExp(`^${FORK_OVERLAYS_DIR}/([^/]+)/${name}/?$`).exec(source) : null;
      if (m?.[1] !== undefined && isTarget(m[1])) targets.set(m[1], [...(targets.get(m[1]) ?? []), path]);
    }
  }
  if (appFiles.size === 0) {
    throw new UserError(
      `${where} has no kubeflow-gitops Applications in ${FORK_APPS_DIR}/ (marked ${ANNOTATION_COMPONENT}); run fork or install first, then upgrade`,
      ExitCode.conflict,
    );
  }
  if (targets.size !== 1) {
    const seen =
      targets.size === 0
        ? `none of them points at ${FORK_OVERLAYS_DIR}/<target>/<component>`
        : [...targets].map(([t, files]) => `${t} (${files.join(', ')})`).join('; ');
    throw new UserError(
      `cannot tell which target ${where} is for from its Applications: ${seen}. Point every component's Application at one ${FORK_OVERLAYS_DIR}/<target>/ and run again`,
      ExitCode.conflict,
    );
  }
  const target = [...targets.keys()][0] as Target;
  const small = [...existing].some(
    ([p, t]) => p.startsWith(`${FORK_OVERLAYS_DIR}/${target}/`) && /components\/small-footprint\b/.test(t),
  );
  const components = [...appFiles.keys()].sort();
  return { components, appFiles, target, footprint: small ? 'small' : 'full' };
}
