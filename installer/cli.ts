#!/usr/bin/env node
/**
 * kubeflow-gitops: argv -> typed options -> one orchestrator per command -> exit code. This file only
 * parses and dispatches: each command's adapter turns flags into the orchestrator's options and its
 * result into stdout. Errors are handled here only: a UserError prints its message (which names the
 * flag or file to fix), never a stack trace.
 */
import { DEFAULT_TOKEN_ENV, TOOL } from './constants.js';
import { Command, Option } from 'commander';
import { RELEASES, type Release } from './catalogue/releases.js';
import { TARGETS } from './catalogue/targets.js';
import { createDeps, type Deps } from './deps.js';
import { ExitCode, ExternalError, InterruptedError, UserError } from './errors.js';
import { committedSentence, forkResultJson, passwordSavedSentence } from './fork/describe-fork-result.js';
import { runFork } from './fork/run-fork.js';
import { runPlan } from './fork/run-plan.js';
import { runApply } from './install/run-apply.js';
import { runInstall } from './install/run-install.js';
import { clusterOptionsFrom } from './inputs/cluster-options.js';
import {
  mergedSettings,
  str,
  withApply,
  withCluster,
  withForkLocation,
  withForkOptions,
  withRunOptions,
  withWatch,
} from './inputs/command-flags.js';
import { duration } from './inputs/duration.js';
import { forkOptionsFrom, upgradeForkOptionsFrom } from './inputs/fork-options.js';
import { planToJson, renderPlanText } from './plan/render-plan.js';
import { doctorReport } from './preflight/render-checks.js';
import { runDoctor } from './preflight/run-doctor.js';
import { runStatus } from './status/run-status.js';
import { redact } from './systems/git.js';
import { KubeApiError } from './systems/kube.js';
import { createPrompter, mayPrompt, noPrompter } from './systems/prompter.js';
import { createStderrLogger } from './ui/logger.js';
import { progressMode } from './ui/progress.js';
import { runUninstall } from './uninstall/run-uninstall.js';
import { conflictText, upgradeResultJson } from './upgrade/describe-upgrade-result.js';
import { renderUpgradeText, upgradeReportToJson } from './upgrade/render-upgrade-plan.js';
import { runUpgradePlan } from './upgrade/run-upgrade-plan.js';
import type { UpgradeResult } from './upgrade/upgrade-result.js';
import { runUpgrade } from './upgrade/run-upgrade.js';

type Flags = Record<string, unknown>;
type Adapter = (o: Flags, cmd: Command) => Promise<number>;

/** Ctrl-C aborts the signal `run` gets instead of ending the process, for as long as `run` runs. */
async function withInterrupt<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  const onSigint = () => {
    abort.abort();
  };
  process.once('SIGINT', onSigint);
  try {
    return await run(abort.signal);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Logs on stderr (none with --output json); prompts only when `yes` is given and false and a person is there. */
function depsFor(run: { json: boolean; yes?: boolean }): Deps {
  const prompter = run.yes === undefined ? noPrompter : createPrompter(mayPrompt(run.yes));
  return createDeps(process.env, createStderrLogger(process.stderr, { quiet: run.json }), prompter);
}

const runFlags = (o: Flags) => ({ yes: o.yes === true, output: str(o.output) });

const planCommand: Adapter = async (o, cmd) => {
  if (o.to !== undefined) return planUpgradeCommand(o, cmd);
  const opts = forkOptionsFrom((await mergedSettings(cmd)).values, runFlags(o));
  const plan = await runPlan(opts, depsFor({ json: opts.output === 'json', yes: opts.yes }));
  process.stdout.write(
    opts.output === 'json' ? `${JSON.stringify(planToJson(plan), null, 2)}\n` : renderPlanText(plan),
  );
  return ExitCode.ok;
};

async function planUpgradeCommand(o: Flags, cmd: Command): Promise<number> {
  const to = o.to as Release;
  const opts = upgradeForkOptionsFrom((await mergedSettings(cmd)).values, runFlags(o), to);
  const json = opts.output === 'json';
  const preview = await runUpgradePlan(opts, to, depsFor({ json, yes: opts.yes }));
  process.stdout.write(
    json ? `${JSON.stringify(upgradeReportToJson(preview), null, 2)}\n` : renderUpgradeText(preview, { diffs: true }),
  );
  return ExitCode.ok;
}

const forkCommand: Adapter = async (o, cmd) => {
  const opts = forkOptionsFrom((await mergedSettings(cmd)).values, runFlags(o));
  const deps = depsFor({ json: opts.output === 'json', yes: opts.yes });
  const r = await runFork(opts, deps);
  if (opts.output === 'json') {
    process.stdout.write(`${JSON.stringify(forkResultJson(r), null, 2)}\n`);
    return ExitCode.ok;
  }
  deps.log.info(committedSentence(r));
  if (r.passwordFile !== undefined) deps.log.info(passwordSavedSentence(r, r.passwordFile));
  process.stdout.write(`${r.repoURL} ${r.branch} ${r.revision}\n`);
  return ExitCode.ok;
};

const installCommand: Adapter = async (o, cmd) => {
  const { yes } = runFlags(o);
  const output = o.output === 'json' ? 'json' : 'text';
  return runInstall(
    {
      merged: await mergedSettings(cmd),
      yes,
      output,
      saveConfig: str(o.saveConfig),
      stderr: process.stderr,
      stdout: process.stdout,
      interruptible: withInterrupt,
    },
    depsFor({ json: output === 'json', yes }),
  );
};

const applyCommand: Adapter = async (o, cmd) => {
  const { yes } = runFlags(o);
  const output = o.output === 'json' ? 'json' : 'text';
  return runApply(
    {
      merged: await mergedSettings(cmd),
      yes,
      output,
      stderr: process.stderr,
      stdout: process.stdout,
      interruptible: withInterrupt,
    },
    depsFor({ json: output === 'json', yes }),
  );
};

const statusCommand: Adapter = async (o) => {
  const json = o.output === 'json';
  const deps = depsFor({ json });
  const kube = deps.kube({ kubeconfig: str(o.kubeconfig), context: str(o.context) });
  const tokenEnv = str(o.tokenEnv) ?? DEFAULT_TOKEN_ENV;
  const token = process.env[tokenEnv];
  return runStatus(
    {
      watch: o.watch === true,
      revision: str(o.revision),
      timeoutMs: duration(o.timeout, '--timeout'),
      componentTimeoutMs: duration(o.componentTimeout, '--component-timeout'),
      failureGraceMs: duration(o.failureGrace, '--failure-grace'),
      progress: progressMode(json ? 'json' : 'text', { isTTY: process.stderr.isTTY, env: process.env }),
      auth: { token: token ? { value: token, source: tokenEnv } : undefined, tokenHint: tokenEnv },
      interruptible: withInterrupt,
    },
    deps,
    kube,
  );
};

const uninstallCommand: Adapter = async (o) => {
  const deps = depsFor({ json: false, yes: o.yes === true });
  const kube = deps.kube({ kubeconfig: str(o.kubeconfig), context: str(o.context) });
  const options = {
    keepArgocd: o.keepArgocd === true,
    keepCrds: o.keepCrds === true,
    dryRun: o.dryRun === true,
    yes: o.yes === true,
    waveTimeoutMs: duration(o.waveTimeout, '--wave-timeout'),
  };
  const r = await withInterrupt((signal) => runUninstall({ ...options, signal }, deps, kube));
  return r.exitCode;
};

const doctorCommand: Adapter = async (o) => {
  const output = o.output === 'json' ? 'json' : 'text';
  const deps = depsFor({ json: output === 'json' });
  const kube = deps.kube({ kubeconfig: str(o.kubeconfig), context: str(o.context) });
  const r = await runDoctor(
    { release: str(o.release), components: str(o.components), target: str(o.target), footprint: str(o.footprint) },
    kube,
  );
  process.stdout.write(doctorReport(kube.target, r, output));
  return r.ok ? ExitCode.ok : ExitCode.preflight;
};

const upgradeCommand: Adapter = async (o, cmd) => {
  if (o.continue === true && o.abort === true) throw new UserError('--continue and --abort are alternatives: give one');
  const action = o.continue === true ? 'continue' : o.abort === true ? 'abort' : 'start';
  const to = str(o.to) as Release | undefined;
  if (action === 'start' && to === undefined)
    throw new UserError(
      'which release? pass --to <release> (one of ' + RELEASES.join(', ') + '), or --continue / --abort',
    );
  const settings = (await mergedSettings(cmd)).values;
  const opts = upgradeForkOptionsFrom(settings, runFlags(o), to);
  const json = opts.output === 'json';
  const deps = depsFor({ json, yes: opts.yes });
  const apply = o.apply !== false && action !== 'abort';
  const cluster = apply
    ? {
        kube: deps.kube({ kubeconfig: settings.kubeconfig, context: settings.context }),
        options: {
          ...clusterOptionsFrom(settings, { output: opts.output, isTTY: process.stderr.isTTY, env: process.env }),
          interruptible: withInterrupt,
        },
      }
    : undefined;
  const onForkSettled = (settled: UpgradeResult) => {
    sayForkSettled(settled, opts.output, deps);
  };
  const r = await runUpgrade({ fork: opts, to, action, cluster, onForkSettled }, deps);
  switch (r.kind) {
    case 'aborted':
      return ExitCode.ok;
    case 'conflict':
      return ExitCode.conflict;
    case 'up-to-date':
    case 'upgraded':
      if (!json) process.stdout.write(`${r.repoURL} ${r.branch} ${r.delivered?.revision ?? r.revision}\n`);
      return r.delivered?.exitCode ?? ExitCode.ok;
  }
};

/** Said once the fork is settled; with apply, watch events follow on stdout one JSON document per line. */
function sayForkSettled(r: UpgradeResult, output: 'text' | 'json', deps: Deps): void {
  const json = output === 'json';
  if (json) process.stdout.write(`${JSON.stringify(upgradeResultJson(r))}\n`);
  switch (r.kind) {
    case 'aborted':
      deps.log.info(
        r.existed
          ? 'dropped the stopped upgrade and its working copy; the fork was never changed'
          : 'no stopped upgrade to abort; nothing to do',
      );
      return;
    case 'conflict':
      process.stderr.write(redact(conflictText(r, process.argv)));
      return;
    case 'up-to-date':
    case 'upgraded':
      if (!json)
        process.stderr.write(
          renderUpgradeText(
            { from: r.plan.from, to: r.plan.to, plan: r.plan, autoResolved: r.autoResolved, conflicts: [] },
            { diffs: false },
          ),
        );
      deps.log.info(
        r.pushed
          ? `pushed ${r.revision.slice(0, 7)} to ${r.repoURL} ${r.branch}`
          : `the fork is up to date at ${r.revision.slice(0, 7)}: no new commit, nothing pushed`,
      );
  }
}

function program(setCode: (code: number) => void): Command {
  const p = new Command(TOOL)
    .description('Bootstrap Kubeflow with GitOps: fork the manifests, write Argo CD Applications, apply, watch.')
    .showHelpAfterError()
    .exitOverride();
  const run = (adapter: Adapter) => async (o: Flags, cmd: Command) => {
    setCode(await adapter(o, cmd));
  };

  withForkOptions(
    p
      .command('plan')
      .description(
        'print what fork would do (components, files, vendored bases, Application diffs) and change nothing',
      ),
  )
    .addOption(
      new Option('--to <release>', 'show the upgrade of the fork to this release instead (see upgrade)').choices(
        RELEASES,
      ),
    )
    .action(run(planCommand));
  withForkOptions(
    p
      .command('fork')
      .description('fork the manifests into your repository, vendor remote bases, write the Applications, push'),
  ).action(run(forkCommand));
  withApply(
    withForkOptions(
      p
        .command('install')
        .description(
          'fork, then apply: adopt or install Argo CD, apply the root app-of-apps, watch every component to Healthy',
        ),
    ),
  )
    .option('--save-config <file>', 'write the settings (answers, never secrets) to a YAML file for --config')
    .action(run(installCommand));
  withApply(
    withForkOptions(
      p
        .command('apply')
        .description(
          'for a fork that exists: adopt or install Argo CD, apply the root app-of-apps, watch every component',
        ),
    ),
  ).action(run(applyCommand));
  withWatch(
    withCluster(
      p
        .command('status')
        .description('assess every component of the install in the cluster; --watch follows it until ready'),
    ),
  )
    .option('--watch', 'keep watching until every component is ready, one fails, or the timeout')
    .option('--revision <sha>', 'expect this commit instead of the current one of the followed branch')
    .option('--token-env <name>', 'variable holding the HTTPS token to read the fork branch', DEFAULT_TOKEN_ENV)
    .addOption(
      new Option('--output <format>', 'text, or json events on stdout').choices(['text', 'json']).default('text'),
    )
    .action(run(statusCommand));
  withCluster(
    p
      .command('uninstall')
      .description(
        'delete Kubeflow through Argo CD in reverse wave order, then what this install left; Argo CD last, if kubeflow-gitops installed it',
      ),
  )
    .option('--keep-argocd', 'keep Argo CD even when kubeflow-gitops installed it')
    .option(
      '--keep-crds',
      "keep the components' CustomResourceDefinitions, and with them every custom resource (notebooks, pipeline runs, …)",
    )
    .option('--dry-run', 'print what would be deleted and stop')
    .option('-y, --yes', 'do not ask for confirmation')
    .option(
      '--wave-timeout <duration>',
      'how long one wave of components (and then the leftovers) may take to go',
      '10m',
    )
    .action(run(uninstallCommand));
  withCluster(
    p.command('doctor').description('preflight: every check for installing Kubeflow on this cluster, each with a fix'),
  )
    .addOption(new Option('--release <tag>', 'Kubeflow release').choices(RELEASES).default('26.03'))
    .option('--components <list>', 'components to size the check for', 'all')
    .addOption(
      new Option('--target <name>', 'cluster type you intend to install for').choices(TARGETS).default('generic'),
    )
    .addOption(new Option('--footprint <size>').choices(['small', 'full']))
    .addOption(new Option('--output <format>', 'text, or json on stdout').choices(['text', 'json']).default('text'))
    .action(run(doctorCommand));
  const upgrade = p
    .command('upgrade')
    .description(
      'merge a newer Kubeflow release into the fork keeping your changes, push, then apply and watch as install does',
    )
    .addOption(new Option('--to <release>', 'the release to upgrade to').choices(RELEASES))
    .option('--continue', 'finish an upgrade that stopped on conflicts, after you resolved them')
    .option('--abort', 'drop an upgrade that stopped on conflicts (the fork was not changed)')
    .option(
      '--no-apply',
      'push the upgrade and stop: no cluster access (Argo CD follows the branch; status --watch follows it)',
    );
  withApply(withRunOptions(withForkLocation(upgrade))).action(run(upgradeCommand));
  return p;
}

async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.ok;
  try {
    await program((c) => {
      code = c;
    }).parseAsync(argv);
  } catch (err) {
    code = report(err);
  }
  return code;
}

function report(err: unknown): number {
  const e = err as { code?: string; exitCode?: number; name?: string; message?: string };
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.ok;
  if (typeof e.code === 'string' && e.code.startsWith('commander.')) return ExitCode.usage;
  if (err instanceof KubeApiError) {
    process.stderr.write(`✗ Kubernetes API: ${err.reason}: ${redact(err.message)}\n`);
    return err.code === 401 || err.code === 403 || err.code === 404 ? ExitCode.preflight : ExitCode.failure;
  }
  if (err instanceof UserError || err instanceof ExternalError || err instanceof InterruptedError) {
    process.stderr.write(`✗ ${redact(err.message)}\n`);
    return err.exitCode;
  }
  if (e.name === 'ExitPromptError' || e.name === 'AbortPromptError') return ExitCode.interrupted;
  process.stderr.write(
    `✗ internal error: ${redact(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n  please report it with the command you ran\n`,
  );
  return ExitCode.failure;
}

process.exitCode = await main(process.argv);
