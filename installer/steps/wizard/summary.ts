/**
 * The last question: the plan in brief (what `plan` prints, without reading the fork: cluster,
 * release, components in wave order with what pulled each dependency in, the requests against the
 * cluster, the fork, the admin login, Argo CD and the images' registry) and a final confirmation.
 * Declining changes nothing.
 */
import { TARGET_INFO, type Footprint, type Target } from '../../catalogue/targets.js';
import { releaseLabel, type Release } from '../../catalogue/releases.js';
import { ARGOCD_VERSION, DEFAULT_ADMIN_EMAIL, DEFAULT_BRANCH } from '../../core/constants.js';
import { InterruptedError } from '../../core/errors.js';
import type { Settings } from '../../inputs/settings.js';
import type { Prompter } from '../../systems/prompter.js';
import type { PasswordSource } from './ask-access.js';
import { assessSelection } from './ask-components.js';
import { cpus, gib, type ClusterFacts } from './facts.js';

export interface SummaryInputs {
  readonly settings: Settings;
  readonly cluster: ClusterFacts;
  readonly password: PasswordSource;
  /** Where the git token comes from, or undefined when none is needed. */
  readonly tokenSource?: string | undefined;
}

export function renderSummary(s: SummaryInputs): string {
  const v = s.settings;
  const target = (v.target ?? 'generic') as Target;
  const footprint = (v.footprint ?? TARGET_INFO[target].defaultFootprint) as Footprint;
  const sel = assessSelection(v.components ?? ['all'], v.release as Release, footprint, s.cluster);
  const width = Math.max(...sel.resolved.map((c) => c.spec.name.length));
  const a = s.cluster.argocd;
  const fork =
    v.githubFork !== undefined
      ? `GitHub fork under ${v.githubFork}${v.githubRepoName ? ` (${v.githubRepoName})` : ''}`
      : (v.fork ?? '?');
  const admin = adminLine(v, s.password);
  return [
    '',
    'The plan',
    `  cluster      context ${s.cluster.context} (${s.cluster.server}), target ${target}, ${footprint} footprint`,
    `  release      Kubeflow ${releaseLabel(v.release ?? '?')}`,
    `  components   ${sel.resolved.length} in sync-wave order (${sel.dependencies.length} added as dependencies):`,
    ...sel.resolved.map(
      (c) =>
        `    ${String(c.wave).padStart(3)}  ${c.requestedBy === 'user' ? c.spec.name : `${c.spec.name.padEnd(width)}  (needed by ${c.requestedBy.join(', ')})`}`,
    ),
    `  requests     ${cpus(sel.requests.cpuMillis)} CPU and ${gib(sel.requests.memoryMiB)} GiB of ${cpus(s.cluster.allocatable.cpuMillis)} CPU and ${gib(s.cluster.allocatable.memoryMiB)} GiB allocatable`,
    `  fork         ${fork}, branch ${v.branch ?? DEFAULT_BRANCH}${s.tokenSource ? ` (token from ${s.tokenSource})` : ''}`,
    `  admin        ${admin}`,
    `  Argo CD      ${argoCdLine(a, v)}`,
    `  images       ${v.registry !== undefined ? `from ${v.registry} (kubeflow-gitops images --copy-to fills it)` : 'from the upstream registries'}`,
    ...TARGET_INFO[target].notes.map((n) => `  note         ${n}`),
    '',
  ].join('\n');
}

export async function confirmPlan(s: SummaryInputs, p: Prompter): Promise<void> {
  p.note(renderSummary(s));
  const go = await p.confirm('Fork, push and install this now?', true);
  if (!go) throw new InterruptedError('cancelled at the summary: nothing was changed');
}

/** The admin login as the summary shows it: the email and where the password comes from. */
function adminLine(v: Settings, password: PasswordSource): string {
  if (password === 'none') return 'none (no Dex)';
  const from: Record<PasswordSource, string> = {
    typed: 'as typed',
    file: `from ${v.adminPasswordFile ?? ''}`,
    environment: 'from KFG_ADMIN_PASSWORD',
    'kept-or-generated': 'kept if the fork has one, else generated and shown once at the end',
    none: '',
  };
  return `${v.adminEmail ?? DEFAULT_ADMIN_EMAIL}, password ${from[password]}`;
}

/** What happens to Argo CD: adopt the one found (configured or left alone), or install the pinned one. */
function argoCdLine(a: ClusterFacts['argocd'], v: Settings): string {
  if (!a.present) return `install ${ARGOCD_VERSION} from the fork`;
  const config = v.configureArgocd ? ' and configure it (--configure-argocd)' : ', configuration left alone';
  return `adopt ${a.version ?? 'the one found'}${config}`;
}
