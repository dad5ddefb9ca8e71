/**
 * `install`: the fork, then the cluster, in one run. Settings come from flags, a config file and the
 * environment; on a terminal the wizard asks for everything else before any task starts. Every check
 * that can fail without a side effect runs first (a fork Argo CD can read, the admin password, the fork path, upstream's
 * release tag, then the cluster: a wrong context changes nothing); the fork is created only right
 * before its first push, so a failed run leaves no repository. The fork is cloned once and the
 * cluster steps read the commit they sync from that same working copy.
 */
import type { Interruptible } from '../../core/interruptible.js';
import { writeFile } from 'node:fs/promises';
import { resolveComponents, type ResolvedComponent } from '../../catalogue/resolve-components.js';
import type { Deps } from '../../deps.js';
import { passPreflight } from '../../steps/pass-preflight.js';
import { connectCluster } from '../../steps/connect-cluster.js';
import { clusterChoice } from '../../inputs/cluster-choice.js';
import { checkUpstreamRelease } from '../../steps/check-upstream.js';
import { deliverToCluster } from '../../steps/deliver-to-cluster.js';
import { givenAdminPassword } from '../../steps/ensure-dex-password.js';
import { locateFork } from '../../steps/locate-fork.js';
import { updateFork } from '../../steps/update-fork.js';
import { adminEmailOf } from '../../steps/describe-fork-result.js';
import type { ForkResult } from '../../steps/publish-fork.js';
import { refuseUnreadableFork } from '../../inputs/argocd-reach.js';
import { clusterOptionsFrom } from '../../steps/cluster-options.js';
import { renderConfigFile } from '../../inputs/config-file.js';
import { forkOptionsFrom, type ForkOptions } from '../../inputs/fork-options.js';
import type { MergedSettings } from '../../inputs/merge-settings.js';
import type { Settings } from '../../inputs/settings.js';
import type { Logger } from '../../ui/logger.js';
import { createWizardFacts } from '../../steps/wizard/gather-facts.js';
import { askSettings } from '../../steps/wizard/ask-settings.js';
import { checkLoginIssuer } from '../../steps/check-login-issuer.js';
import { loginSecretsFor } from '../../steps/ensure-login-secrets.js';
import { IDP_CLIENT_SECRET_ENV, LDAP_BIND_PASSWORD_ENV } from '../../inputs/login-options.js';

export interface InstallInvocation {
  readonly merged: MergedSettings;
  readonly yes: boolean;
  readonly output: 'text' | 'json';
  /** Write the settings (never secrets) here before anything runs, for `--config … --yes` in CI. */
  readonly saveConfig?: string | undefined;
  /** The wizard runs only when a person can answer (deps.prompter.canPrompt). */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
  readonly interruptible?: Interruptible | undefined;
}

export async function runInstall(inv: InstallInvocation, baseDeps: Deps): Promise<number> {
  const { settings, deps } = await askWhatIsMissing(inv, baseDeps);
  const opts = forkOptionsFrom(settings, inv, deps.env);
  refuseUnreadableFork(opts);
  await saveSettings(inv.saveConfig, settings, deps.log);
  const kube = connectCluster(deps, clusterChoice(settings, inv.merged.origins));
  const cluster = clusterOptionsFrom(settings, {
    output: opts.output,
    isTTY: inv.stderr.isTTY === true,
    env: deps.env,
  });
  const components = resolveComponents(opts.components, opts.release);

  // Every check that can fail without a side effect, inputs first, then the cluster: a wrong
  // password file, fork path or upstream, a wrong context or a dead API server stops here.
  await givenAdminPassword(opts, components, deps.env, deps.typed?.adminPassword);
  // A secret typed at the wizard's login question stands for its variable.
  const typed = deps.typed?.idpSecret;
  const loginSecrets = await loginSecretsFor(
    opts.login,
    typed === undefined ? deps.env : { ...deps.env, [IDP_CLIENT_SECRET_ENV]: typed, [LDAP_BIND_PASSWORD_ENV]: typed },
  );
  await checkLoginIssuer(opts.login, deps.log);
  const found = await locateFork(opts, deps);
  await checkUpstreamRelease(opts, deps);
  // With a registry every image is looked up with skopeo before the push: a missing skopeo is said now.
  if (opts.registry !== undefined && settings.noImageCheck !== true) await deps.skopeo().version();
  const preflight = await passPreflight(kube, preflightInputs(opts, components), deps.log, {
    unchanged: 'nothing was changed',
  });
  const { published, fork, remote } = await updateFork(opts, deps, found, components, {
    images: settings.noImageCheck !== true,
    // The fork's Argo CD is applied only where the cluster has none; an adopted one keeps its images.
    argocdImages: preflight.argocd?.present !== true,
  });

  const login = deps.prompter.canPrompt ? loginToShow(published) : undefined;
  let delivered;
  try {
    delivered = await deliverToCluster(
      kube,
      { remote, branch: opts.branch, release: opts.release, fork, preflight, loginSecrets },
      { ...cluster, interruptible: inv.interruptible },
      deps,
    );
  } finally {
    // Shown once, on the terminal of the person who ran the wizard, after the task list has ended
    // (also when it failed: the password is already in the fork).
    if (login) inv.stderr.write(loginMessage(login));
  }
  if (opts.output !== 'json') inv.stdout.write(`${remote.repoURL} ${opts.branch} ${delivered.revision}\n`);
  return delivered.exitCode;
}

/** On a terminal, the wizard; its typed secrets stay in memory (deps.typed). */
async function askWhatIsMissing(inv: InstallInvocation, deps: Deps): Promise<{ settings: Settings; deps: Deps }> {
  if (!deps.prompter.canPrompt) return { settings: inv.merged.values, deps };
  const facts = createWizardFacts(deps, inv.merged.values.kubeconfig);
  const answered = await askSettings(inv.merged, facts, deps.prompter);
  return { settings: answered.settings, deps: { ...deps, typed: answered.secrets } };
}

async function saveSettings(file: string | undefined, settings: Settings, log: Logger): Promise<void> {
  if (file === undefined) return;
  await writeFile(file, renderConfigFile(settings));
  log.info(`saved the settings to ${file} (no secrets); repeat with: kubeflow-gitops install --config ${file} --yes`);
}

const preflightInputs = (opts: ForkOptions, components: readonly ResolvedComponent[]) => ({
  release: opts.release,
  target: opts.target,
  footprint: opts.footprint,
  components: components.map((c) => c.spec.name),
});

interface Login {
  readonly email: string;
  readonly password: string;
  readonly file: string;
}

function loginToShow(r: ForkResult): Login | undefined {
  if (r.passwordFile === undefined || r.generatedPassword === undefined) return undefined;
  return { email: adminEmailOf(r), password: r.generatedPassword, file: r.passwordFile };
}

function loginMessage(l: Login): string {
  return `\nKubeflow login: ${l.email} / ${l.password}\n  (shown once; a copy is in ${l.file}, mode 0600)\n`;
}
