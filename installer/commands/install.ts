/**
 * `install` (fork, then apply) and `apply`: settings from flags, a config file and the environment;
 * on a terminal the wizard asks for everything else before any task starts; then the cluster is
 * checked before the fork is touched, so a wrong context changes nothing.
 */
import { writeFile } from 'node:fs/promises';
import { resolveComponents } from '../catalogue/resolve-components.js';
import type { Deps } from '../deps.js';
import { ExitCode, UserError } from '../errors.js';
import { rawForkOptionsFrom, rawForkOptionsSchema, resolveForkOptions } from '../inputs/fork-options.js';
import { renderConfigFile } from '../inputs/config-file.js';
import type { MergedSettings } from '../inputs/merge-settings.js';
import { CLUSTER_DEFAULTS, type Settings } from '../inputs/settings.js';
import { runPreflight } from '../preflight/run-preflight.js';
import { progressMode } from '../ui/progress.js';
import { createWizardFacts } from '../wizard/gather-facts.js';
import { runWizard } from '../wizard/run-wizard.js';
import { duration } from '../inputs/duration.js';
import { runApply } from './apply.js';
import { locateFork, runFork } from './fork.js';

export interface InstallInvocation {
  readonly merged: MergedSettings;
  readonly yes: boolean;
  readonly output: 'text' | 'json';
  /** Write the settings (never secrets) here before anything runs, for `--config … --yes` in CI. */
  readonly saveConfig?: string | undefined;
  /** install (fork, then apply) or apply (the fork exists). */
  readonly fork: boolean;
  /** The wizard runs only when a person can answer (deps.prompter.canPrompt). */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export async function runInstallCommand(inv: InstallInvocation, baseDeps: Deps): Promise<number> {
  let deps = baseDeps;
  let settings: Settings = inv.merged.values;
  const interactive = inv.fork && deps.prompter.canPrompt;
  if (interactive) {
    const answered = await runWizard(inv.merged, createWizardFacts(deps, settings.kubeconfig), deps.prompter);
    settings = answered.settings;
    deps = { ...deps, typed: answered.secrets };
  }
  const parsed = rawForkOptionsSchema.safeParse(rawForkOptionsFrom(settings, inv.yes, inv.output));
  if (!parsed.success)
    throw new UserError(
      `invalid options: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const opts = resolveForkOptions(parsed.data, deps.env);
  if (inv.saveConfig !== undefined) {
    await writeFile(inv.saveConfig, renderConfigFile(settings));
    deps.log.info(
      `saved the settings to ${inv.saveConfig} (no secrets); repeat with: kubeflow-gitops install --config ${inv.saveConfig} --yes`,
    );
  }

  const kube = deps.kube({ kubeconfig: settings.kubeconfig, context: settings.context });
  const cluster = {
    configureArgocd: settings.configureArgocd === true,
    timeoutMs: duration(settings.timeout ?? CLUSTER_DEFAULTS.timeout, '--timeout'),
    componentTimeoutMs: duration(settings.componentTimeout ?? CLUSTER_DEFAULTS.componentTimeout, '--component-timeout'),
    failureGraceMs: duration(settings.failureGrace ?? CLUSTER_DEFAULTS.failureGrace, '--failure-grace'),
    progress: progressMode(opts.output, inv.stderr.isTTY === true, deps.env),
  };
  const located = await locateFork(opts, deps, inv.fork);
  let shown: { email: string; password: string; file: string } | undefined;
  if (inv.fork) {
    // Reach the cluster before touching the fork: a wrong context or a dead API server stops here.
    const names = resolveComponents(opts.components, opts.release).map((c) => c.spec.name);
    const pre = await runPreflight(kube, {
      release: opts.release,
      target: opts.target,
      footprint: opts.footprint,
      components: names,
    });
    if (!pre.ok)
      throw new UserError(
        `preflight failed for context "${kube.target.context}"; nothing was changed:\n${pre.checks
          .filter((c) => c.status === 'fail')
          .map((c) => `  - ${c.message}${c.fix ? ` (fix: ${c.fix})` : ''}`)
          .join('\n')}`,
        ExitCode.preflight,
      );
    const r = await runFork(opts, deps, located);
    deps.log.info(
      r.committed
        ? `pushed ${r.revision.slice(0, 7)} to ${r.repoURL} ${r.branch}`
        : `the fork is up to date at ${r.revision.slice(0, 7)}`,
    );
    if (r.passwordFile !== undefined) {
      deps.log.info(
        `generated the Dex admin password (${r.plan.adminEmail ?? 'user@example.com'}); it is in ${r.passwordFile} (mode 0600) and nowhere else`,
      );
      if (interactive && r.generatedPassword !== undefined)
        shown = { email: r.plan.adminEmail ?? 'user@example.com', password: r.generatedPassword, file: r.passwordFile };
    }
  }
  let result;
  try {
    result = await runApply(opts, cluster, deps, kube, located);
  } finally {
    // Shown once, on the terminal of the person who ran the wizard, after the task list has ended
    // (also when it failed: the password is already in the fork).
    if (shown)
      inv.stderr.write(
        `\nKubeflow login: ${shown.email} / ${shown.password}\n  (shown once; a copy is in ${shown.file}, mode 0600)\n`,
      );
  }
  if (opts.output !== 'json') process.stdout.write(`${located.repoURL} ${opts.branch} ${result.revision}\n`);
  return result.exitCode;
}
