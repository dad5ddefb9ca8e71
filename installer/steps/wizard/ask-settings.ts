/**
 * The interactive installer: every question, in order, before any task runs. Settings already given
 * by a flag, the config file or the environment are shown instead of asked, so the wizard and a
 * non-interactive run with the same settings do the same thing. Ctrl-C at any question rejects with
 * inquirer's ExitPromptError, which the CLI turns into a quiet exit 130; nothing has changed by then.
 */
import { DEFAULT_TOKEN_ENV, GITHUB_TOKEN_ENV } from '../../core/constants.js';
import { resolveComponents } from '../../catalogue/resolve-components.js';
import { TARGET_INFO, type Footprint } from '../../catalogue/targets.js';
import type { MergedSettings } from '../../inputs/merge-settings.js';
import type { Settings } from '../../inputs/settings.js';
import type { Prompter } from '../../systems/prompter.js';
import { askAccess, askArgoCd } from './ask-access.js';
import { askContext, askTarget } from './ask-cluster.js';
import { askComponents, askRelease } from './ask-components.js';
import { askFork } from './ask-fork.js';
import { askLogin } from './ask-login.js';
import { askRegistry } from './ask-registry.js';
import type { WizardFacts, WizardResult, WizardSecrets } from './facts.js';
import { confirmPlan } from './summary.js';

export async function askSettings(given: MergedSettings, facts: WizardFacts, p: Prompter): Promise<WizardResult> {
  const secrets: WizardSecrets = {};
  const cluster = await askContext(given, facts, p);
  const target = await askTarget(given, cluster, p);
  const footprint = (given.values.footprint ?? TARGET_INFO[target].defaultFootprint) as Footprint;
  const release = await askRelease(given, cluster, p);
  const components = await askComponents(given, release, footprint, cluster, p);
  const fork = await askFork(given, facts, p, secrets, target);
  const resolved = resolveComponents(components, release);
  const withDex = resolved.some((c) => c.spec.name === 'dex');
  const access = await askAccess(given, { withDex }, facts, p, secrets);
  const login = await askLogin(
    given,
    { withLogin: resolved.some((c) => c.spec.name === 'oauth2-proxy') },
    facts,
    p,
    secrets,
  );
  const configureArgocd = await askArgoCd(given, cluster, p);
  const registry = await askRegistry(given, p);

  const settings: Settings = {
    ...given.values,
    ...fork,
    context: cluster.context,
    target,
    release,
    components,
    ...login,
    ...registry,
    ...(access.adminEmail !== undefined ? { adminEmail: access.adminEmail } : {}),
    ...(cluster.argocd.present || configureArgocd ? { configureArgocd } : {}),
  };
  const tokenEnv = settings.tokenEnv ?? (settings.githubFork !== undefined ? GITHUB_TOKEN_ENV : DEFAULT_TOKEN_ENV);
  const needsToken =
    settings.githubFork !== undefined || (/^https?:/.test(settings.fork ?? '') && settings.sshKey === undefined);
  const tokenSource = !needsToken ? undefined : secrets.gitToken !== undefined ? 'the prompt' : tokenEnv;
  await confirmPlan({ settings, cluster, password: access.password, tokenSource }, p);
  return { settings, secrets, cluster };
}
