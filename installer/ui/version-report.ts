/**
 * `kubeflow-gitops --version`: the tool's version, and with `--output json` what it deploys, so a
 * pipeline can check it before a run: the Kubeflow releases it knows (which is the default, which are
 * pre-releases) and the Argo CD it installs, has tested and accepts. Pure: the caller reads the version.
 */
import { NEWEST_RELEASE, RELEASES, RELEASE_INFO } from '../catalogue/releases.js';
import { ARGOCD_VERSION, TOOL } from '../core/constants.js';
import { ARGOCD_LINES, ARGOCD_MINIMUM, ARGOCD_TESTED } from '../preflight/argocd-version.js';

export interface VersionReport {
  readonly tool: string;
  readonly version: string;
  readonly kubeflow: {
    readonly default: string;
    readonly releases: readonly {
      readonly tag: string;
      readonly preRelease: boolean;
      readonly default: boolean;
      readonly date: string;
      readonly kubernetes: { readonly min: string; readonly tested: string };
    }[];
  };
  readonly argocd: {
    /** Installed where a cluster has none. */
    readonly installs: string;
    /** The lines it adopts as they are (upstream still patches them), newest first. */
    readonly adopts: readonly string[];
    /** The release of each of those lines the test suite runs, newest first. */
    readonly tested: readonly string[];
    /** The oldest it adopts (older is refused: no server-side apply); older lines and newer ones get a warning. */
    readonly minimum: string;
  };
}

export function versionReport(version: string): VersionReport {
  return {
    tool: TOOL,
    version,
    kubeflow: {
      default: NEWEST_RELEASE,
      releases: RELEASES.map((tag) => ({
        tag,
        preRelease: RELEASE_INFO[tag].preRelease,
        default: tag === NEWEST_RELEASE,
        date: RELEASE_INFO[tag].date,
        kubernetes: RELEASE_INFO[tag].kubernetes,
      })),
    },
    argocd: {
      installs: ARGOCD_VERSION,
      adopts: ARGOCD_LINES.map((l) => l.line),
      tested: [...ARGOCD_TESTED],
      minimum: ARGOCD_MINIMUM,
    },
  };
}

/** Text: the version alone, as `--version` conventionally prints it; JSON: the whole report. */
export function renderVersion(r: VersionReport, output: 'text' | 'json'): string {
  return output === 'json' ? `${JSON.stringify(r, null, 2)}\n` : `${r.version}\n`;
}
