/**
 * Questions 6 and 7: the Dex admin login (email; a password typed twice, masked and strength-checked,
 * or generated and shown once at the end) and Argo CD (install the pinned version when the cluster
 * has none, or adopt the one found, leaving its configuration alone unless asked to configure it).
 */
import { ARGOCD_VERSION, DEFAULT_ADMIN_EMAIL } from '../../core/constants.js';
import { InterruptedError } from '../../core/errors.js';
import type { MergedSettings } from '../../inputs/merge-settings.js';
import { passwordProblem } from '../../inputs/password-strength.js';
import { EMAIL } from '../../inputs/settings.js';
import type { Prompter } from '../../systems/prompter.js';
import { givenNote, type ClusterFacts, type WizardFacts, type WizardSecrets } from './facts.js';

/** How the admin password is set, for the summary. */
export type PasswordSource = 'typed' | 'file' | 'environment' | 'kept-or-generated' | 'none';

export async function askAccess(
  given: MergedSettings,
  selection: { readonly withDex: boolean },
  facts: WizardFacts,
  p: Prompter,
  secrets: WizardSecrets,
): Promise<{ adminEmail?: string; password: PasswordSource }> {
  if (!selection.withDex) {
    p.note('✔ Admin login: none (Dex is not in this selection)');
    return { password: 'none' };
  }
  const g = given.values;
  if (g.adminEmail !== undefined) p.note(givenNote(given, 'adminEmail', 'Admin email'));
  const adminEmail =
    g.adminEmail ??
    (await p.text('Admin email (the Dex login and owner of the example profile)', {
      default: DEFAULT_ADMIN_EMAIL,
      validate: (v) => (EMAIL.test(v) ? true : 'give an email address like you@example.com'),
    }));
  if (g.adminPasswordFile !== undefined) {
    p.note(givenNote(given, 'adminPasswordFile', 'Admin password file'));
    return { adminEmail, password: 'file' };
  }
  if (facts.env.KFG_ADMIN_PASSWORD) {
    p.note('✔ Admin password: from KFG_ADMIN_PASSWORD');
    return { adminEmail, password: 'environment' };
  }
  const how = await p.select<'generate' | 'type'>(
    'Admin password',
    [
      {
        value: 'generate',
        short: 'generated',
        name: 'generate one (shown once at the end); a fork that has one keeps it',
        description: 'only its bcrypt hash goes into git; it is also saved mode 0600 under ~/.config/kubeflow-gitops',
      },
      {
        value: 'type',
        short: 'typed',
        name: 'type one (hidden, typed twice)',
        description: 'at least 12 characters, mixing three of lower case, upper case, digits and symbols',
      },
    ],
    'generate',
  );
  if (how === 'generate') return { adminEmail, password: 'kept-or-generated' };
  for (;;) {
    const first = await p.secret('Admin password (hidden)', {
      validate: (v) => {
        const problem = passwordProblem(v, adminEmail);
        return problem === undefined ? true : `the password ${problem}`;
      },
    });
    const again = await p.secret('Type it again');
    if (first === again) {
      secrets.adminPassword = first;
      return { adminEmail, password: 'typed' };
    }
    p.note('✗ the two passwords differ; type both again');
  }
}

/** Whether to configure an adopted Argo CD (`--configure-argocd`); absent Argo CD is installed. */
export async function askArgoCd(given: MergedSettings, cluster: ClusterFacts, p: Prompter): Promise<boolean> {
  const a = cluster.argocd;
  if (!a.present) {
    const ok = await p.confirm(
      `Argo CD is not in this cluster: install Argo CD ${ARGOCD_VERSION} from your fork (overlays/argocd)?`,
      true,
    );
    if (!ok)
      throw new InterruptedError(
        'cancelled: install needs Argo CD; install one yourself and run again to adopt it. Nothing was changed.',
      );
    return given.values.configureArgocd ?? false;
  }
  if (given.values.configureArgocd !== undefined) {
    p.note(
      givenNote(given, 'configureArgocd', 'Configure the adopted Argo CD', given.values.configureArgocd ? 'yes' : 'no'),
    );
    return given.values.configureArgocd;
  }
  const missing = [
    a.appHealthCheck ? undefined : 'the Application health check',
    a.persistsHealth ? undefined : 'persisted resource health',
  ].filter(Boolean);
  const choice = await p.select<'adopt' | 'configure'>(
    `Argo CD${a.version !== undefined ? ` ${a.version}` : ''} found in the cluster: adopt it`,
    [
      {
        value: 'adopt',
        short: 'adopt, configuration left alone',
        name: 'adopt it and leave its configuration alone',
        description:
          missing.length > 0
            ? `it lacks ${missing.join(' and ')}: sync waves will not wait on child health, but the installer still waits for each component`
            : 'it already has everything kubeflow-gitops needs',
      },
      {
        value: 'configure',
        short: 'adopt and configure (--configure-argocd)',
        name: `adopt it and add ${missing.length > 0 ? missing.join(' and ') : 'the installer settings'} (--configure-argocd)`,
        description: 'server-side apply of two keys in argocd-cm and argocd-cmd-params-cm; nothing else changes',
      },
    ],
    'adopt',
  );
  return choice === 'configure';
}
