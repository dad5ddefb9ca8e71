#!/usr/bin/env node
/**
 * kubeflow-gitops: argv -> typed options -> one orchestrator per command -> exit code. This file only
 * parses and dispatches: each command's adapter turns flags into the orchestrator's options and its
 * result into stdout. Errors are handled here only: a UserError prints its message (which names the
 * flag or file to fix), never a stack trace.
 */
import type { Interruptible } from './core/interruptible.js';
import { DEFAULT_TOKEN_ENV, TOOL } from './core/constants.js';
import { Command, Option } from 'commander';
import { RELEASES, type Release } from './catalogue/releases.js';
import { createChangeLog } from './core/changes.js';
import { createDeps, toolVersion, type Deps } from './deps.js';
import { ExitCode, InterruptedError, UserError } from './core/errors.js';
import { committedSentence, forkResultJson, passwordSavedSentence } from './steps/describe-fork-result.js';
import { runFork } from './commands/fork/run-fork.js';
import { runPlan } from './commands/plan/run-plan.js';
import { runDemo } from './commands/demo/run-demo.js';
import { runApply } from './commands/apply/run-apply.js';
import { runInstall } from './commands/install/run-install.js';
import { connectCluster } from './steps/connect-cluster.js';
import { clusterChoice } from './inputs/cluster-choice.js';
import { clusterOptionsFrom } from './steps/cluster-options.js';
import { COMMAND_FLAGS, mergedSettings, str } from './inputs/command-flags.js';
import { duration } from './inputs/duration.js';
import type { MergedSettings } from './inputs/merge-settings.js';
import { SETTINGS } from './inputs/settings.js';
import { forkOptionsFrom, upgradeForkOptionsFrom } from './inputs/fork-options.js';
import { runOpen } from './commands/open/run-open.js';
import { runImages } from './commands/images/run-images.js';
import { imagesToJson, renderImagesText } from './images/image-list.js';
import { planToJson, renderPlanText } from './plan/render-plan.js';
import { doctorReport } from './preflight/render-checks.js';
import { runDoctor } from './commands/doctor/run-doctor.js';
import { runStatus } from './commands/status/run-status.js';
import { createPrompter, mayPrompt, noPrompter } from './systems/prompter.js';
import { createSkopeo } from './systems/skopeo.js';
import { createStderrLogger } from './ui/logger.js';
import { exitCodeAfter, reportError } from './ui/report-error.js';
import { renderVersion, versionReport } from './ui/version-report.js';
import { runUninstall } from './commands/uninstall/run-uninstall.js';
import { sayForkSettled } from './commands/upgrade/describe-upgrade-result.js';
import { renderUpgradeText, upgradeReportToJson } from './commands/upgrade/render-upgrade-plan.js';
import { runUpgradePlan } from './commands/upgrade/run-upgrade-plan.js';
import type { UpgradeResult } from './commands/upgrade/upgrade-result.js';
import { runUpgrade } from './commands/upgrade/run-upgrade.js';

type Flags = Record<string, unknown>;

/**
 * What every command's adapter is given: the settings, merged once for every command alike (flags,
 * `--config`, KFG_*: inputs/merge-settings.ts), and the flags that are not settings. A setting's own
 * flag is left out of `flags`, so no command can read `--context` or `--timeout` around the merge.
 */
interface Invocation {
  readonly settings: MergedSettings;
  readonly flags: Flags;
  readonly cmd: Command;
}
type Adapter = (run: Invocation) => Promise<number>;

const SETTING_FLAGS = new Set<string>(SETTINGS.map((s) => s.name));
const withoutSettings = (o: Flags): Flags =>
  Object.fromEntries(Object.entries(o).filter(([k]) => !SETTING_FLAGS.has(k)));

/**
 * Ctrl-C (SIGINT) and SIGTERM abort one signal for the whole run instead of ending the process: the
 * git, kubectl and downloads it runs are killed, the watch stops, and the run unwinds through its
 * cleanups (temporary clones, a fresh upgrade's working copy) before it exits 130. A second signal
 * exits at once.
 */
const interrupt = new AbortController();

function listenForInterrupts(): void {
  const onSignal = (name: NodeJS.Signals) => {
    if (interrupt.signal.aborted) {
      process.stderr.write(`\n✗ ${name} again: exiting now, without cleaning up\n`);
      process.exit(ExitCode.interrupted);
    }
    process.stderr.write(`\n${name}: stopping and cleaning up (again to exit at once)\n`);
    interrupt.abort(new InterruptedError(`interrupted (${name})`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * What the run has changed (cluster writes, pushes, repositories created), recorded by the systems
 * themselves: exit 3 means nothing was, so once anything is, no failure exits 3 (ui/report-error.ts).
 */
const changes = createChangeLog();

/** The watch and uninstall's waits stop on the run's signal (see listenForInterrupts). */
const withInterrupt: Interruptible = (run) => run(interrupt.signal);

/** Logs on stderr (none with --output json); prompts only when `yes` is given and false and a person is there. */
function depsFor(run: { json: boolean; yes?: boolean }): Deps {
  const prompter = run.yes === undefined ? noPrompter : createPrompter(mayPrompt(run.yes));
  return createDeps(
    process.env,
    createStderrLogger(process.stderr, { quiet: run.json }),
    prompter,
    interrupt.signal,
    changes,
  );
}

const runFlags = (o: Flags) => ({ yes: o.yes === true, output: str(o.output) });

const planCommand: Adapter = async ({ settings, flags: o }) => {
  if (o.to !== undefined) return planUpgradeCommand(settings, o);
  const opts = forkOptionsFrom(settings.values, runFlags(o));
  const plan = await runPlan(opts, depsFor({ json: opts.output === 'json', yes: opts.yes }));
  process.stdout.write(
    opts.output === 'json' ? `${JSON.stringify(planToJson(plan), null, 2)}\n` : renderPlanText(plan),
  );
  return ExitCode.ok;
};

async function planUpgradeCommand(settings: MergedSettings, o: Flags): Promise<number> {
  const to = o.to as Release;
  const opts = upgradeForkOptionsFrom(settings.values, runFlags(o), to);
  const json = opts.output === 'json';
  const preview = await runUpgradePlan(opts, to, depsFor({ json, yes: opts.yes }));
  process.stdout.write(
    json ? `${JSON.stringify(upgradeReportToJson(preview), null, 2)}\n` : renderUpgradeText(preview, { diffs: true }),
  );
  return ExitCode.ok;
}

const forkCommand: Adapter = async ({ settings, flags: o }) => {
  const opts = forkOptionsFrom(settings.values, runFlags(o));
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

const installCommand: Adapter = async ({ settings, flags: o }) => {
  const { yes } = runFlags(o);
  const output = o.output === 'json' ? 'json' : 'text';
  return runInstall(
    {
      merged: settings,
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

const applyCommand: Adapter = async ({ settings, flags: o }) => {
  const { yes } = runFlags(o);
  const output = o.output === 'json' ? 'json' : 'text';
  return runApply(
    {
      merged: settings,
      yes,
      output,
      stderr: process.stderr,
      stdout: process.stdout,
      interruptible: withInterrupt,
    },
    depsFor({ json: output === 'json', yes }),
  );
};

const demoCommand: Adapter = ({ settings }) =>
  runDemo(
    { merged: settings, stderr: process.stderr, stdout: process.stdout, interruptible: withInterrupt },
    depsFor({ json: false }),
  );

const statusCommand: Adapter = ({ settings, flags: o }) => {
  const json = o.output === 'json';
  const deps = depsFor({ json });
  const kube = connectCluster(deps, clusterChoice(settings.values, settings.origins));
  const tokenEnv = settings.values.tokenEnv ?? DEFAULT_TOKEN_ENV;
  const token = process.env[tokenEnv];
  const watch = clusterOptionsFrom(settings.values, {
    output: json ? 'json' : 'text',
    isTTY: process.stderr.isTTY,
    env: process.env,
  });
  return runStatus(
    {
      watch: o.watch === true,
      revision: str(o.revision),
      timeoutMs: watch.timeoutMs,
      componentTimeoutMs: watch.componentTimeoutMs,
      failureGraceMs: watch.failureGraceMs,
      progress: watch.progress,
      auth: { token: token ? { value: token, source: tokenEnv } : undefined, tokenHint: tokenEnv },
      interruptible: withInterrupt,
      registry: settings.values.registry,
    },
    deps,
    kube,
  );
};

const uninstallCommand: Adapter = async ({ settings, flags: o }) => {
  const deps = depsFor({ json: false, yes: o.yes === true });
  const options = {
    keepArgocd: o.keepArgocd === true,
    keepCrds: o.keepCrds === true,
    dryRun: o.dryRun === true,
    yes: o.yes === true,
    waveTimeoutMs: duration(o.waveTimeout, '--wave-timeout'),
  };
  const kube = connectCluster(deps, clusterChoice(settings.values, settings.origins));
  const r = await runUninstall({ ...options, signal: interrupt.signal }, deps, kube);
  return r.exitCode;
};

const doctorCommand: Adapter = async ({ settings, flags: o }) => {
  const output = o.output === 'json' ? 'json' : 'text';
  const deps = depsFor({ json: output === 'json' });
  const s = settings.values;
  const { target, result } = await runDoctor(
    {
      release: s.release,
      components: s.components,
      target: s.target,
      footprint: s.footprint,
      fork: s.fork,
      argocdRepoUrl: s.argocdRepoUrl,
      registry: s.registry,
      upstream: s.upstream,
      mirror: s.mirror,
      branch: s.branch,
      tokenEnv: s.tokenEnv,
    },
    () => connectCluster(deps, clusterChoice(s, settings.origins)),
    deps,
  );
  process.stdout.write(doctorReport(target, result, output));
  return result.ok ? ExitCode.ok : ExitCode.preflight;
};

const upgradeCommand: Adapter = async ({ settings: merged, flags: o }) => {
  if (o.continue === true && o.abort === true) throw new UserError('--continue and --abort are alternatives: give one');
  const action = o.continue === true ? 'continue' : o.abort === true ? 'abort' : 'start';
  const to = str(o.to) as Release | undefined;
  if (action === 'start' && to === undefined)
    throw new UserError(
      'which release? pass --to <release> (one of ' + RELEASES.join(', ') + '), or --continue / --abort',
    );
  const settings = merged.values;
  const opts = upgradeForkOptionsFrom(settings, runFlags(o), to);
  const json = opts.output === 'json';
  const deps = depsFor({ json, yes: opts.yes });
  const apply = o.apply !== false && action !== 'abort';
  const cluster = apply
    ? {
        kube: connectCluster(deps, clusterChoice(settings, merged.origins)),
        options: {
          ...clusterOptionsFrom(settings, { output: opts.output, isTTY: process.stderr.isTTY, env: process.env }),
          interruptible: withInterrupt,
        },
      }
    : undefined;
  const onForkSettled = (settled: UpgradeResult) => {
    sayForkSettled(settled, { output: opts.output, argv: process.argv }, deps.log, process);
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

const imagesCommand: Adapter = async ({ settings, flags: o }) => {
  const s = settings.values;
  // `images` reads the upstream release, not the fork: a fork is only needed where it writes one.
  const fork = s.fork ?? (s.githubFork === undefined ? '.' : undefined);
  const opts = forkOptionsFrom({ ...s, fork }, runFlags(o));
  const json = opts.output === 'json';
  const deps = depsFor({ json, yes: opts.yes });
  const copyTo = str(o.copyTo);
  if (copyTo !== undefined && s.fork === undefined && s.githubFork === undefined)
    throw new UserError(
      '--copy-to writes its lock of digests to the fork: pass --fork <git-url-or-path> (or --github-fork)',
    );
  const { report, copy } = await runImages(
    { fork: opts, copyTo, argocd: o.argocd !== false, skopeo: () => createSkopeo({ signal: interrupt.signal }) },
    deps,
  );
  process.stdout.write(json ? `${JSON.stringify(imagesToJson(report, copy), null, 2)}\n` : renderImagesText(report));
  if (copy !== undefined)
    deps.log.info(
      `${copy.copied} images copied, ${copy.skipped} already there; lock ${copy.lockPushed ? 'pushed' : 'unchanged'}`,
    );
  return report.unaccounted.length === 0 ? ExitCode.ok : ExitCode.failure;
};

const openCommand: Adapter = ({ settings, flags: o }) => {
  const port = Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UserError(`--port ${String(o.port)}: give a port number from 1 to 65535 (or 0 for any free one)`);
  return runOpen(
    {
      cluster: clusterChoice(settings.values, settings.origins),
      port,
      browser: {
        browser: o.browser !== false,
        isTTY: process.stdout.isTTY,
        env: process.env,
        platform: process.platform,
      },
      stdout: process.stdout,
      interruptible: withInterrupt,
    },
    depsFor({ json: false }),
  );
};

/**
 * No command: `--version` (with `--output json`, also the releases and Argo CD versions); else the
 * help. It reads no settings, so a malformed KFG_* variable never hides the version.
 */
const versionCommand = (o: Flags, cmd: Command): Promise<number> => {
  const [word] = cmd.args;
  if (word !== undefined) cmd.error(`error: unknown command '${word}'`, { code: 'commander.unknownCommand' });
  if (o.version !== true) cmd.help({ error: true });
  process.stdout.write(renderVersion(versionReport(toolVersion()), o.output === 'json' ? 'json' : 'text'));
  return Promise.resolve(ExitCode.ok);
};

function program(setCode: (code: number) => void): Command {
  const p = new Command(TOOL)
    .description('Bootstrap Kubeflow with GitOps: fork the manifests, write Argo CD Applications, apply, watch.')
    .showHelpAfterError()
    .exitOverride()
    // The program's own --output belongs to --version; each command's --output comes after its name.
    .enablePositionalOptions()
    .allowExcessArguments()
    .option('-V, --version', 'print the version (with --output json: also the Kubeflow releases and Argo CD versions)')
    .addOption(new Option('--output <format>', 'with --version: text, or json on stdout').choices(['text', 'json']));
  // Every command's settings are merged here, the same way for all of them (see Invocation).
  const run = (adapter: Adapter) => async (o: Flags, cmd: Command) => {
    setCode(await adapter({ settings: await mergedSettings(cmd), flags: withoutSettings(o), cmd }));
  };
  p.action(async (o: Flags, cmd: Command) => {
    setCode(await versionCommand(o, cmd));
  });

  const commands: [keyof typeof COMMAND_FLAGS, string, Adapter][] = [
    [
      'demo',
      'the whole install on the embedded local cluster: build and start it, fork locally, install Pipelines, Notebooks and KServe, show the status',
      demoCommand,
    ],
    [
      'plan',
      'print what fork would do (components, files, vendored bases, Application diffs) and change nothing',
      planCommand,
    ],
    ['fork', 'fork the manifests into your repository, vendor remote bases, write the Applications, push', forkCommand],
    [
      'install',
      'fork, then apply: adopt or install Argo CD, apply the root app-of-apps, watch every component to Healthy',
      installCommand,
    ],
    [
      'apply',
      'for a fork that exists: adopt or install Argo CD, apply the root app-of-apps, watch every component',
      applyCommand,
    ],
    ['status', 'assess every component of the install in the cluster; --watch follows it until ready', statusCommand],
    [
      'uninstall',
      'delete Kubeflow through Argo CD in reverse wave order, then what this install left; Argo CD last, if kubeflow-gitops installed it',
      uninstallCommand,
    ],
    ['doctor', 'preflight: every check for installing Kubeflow on this cluster, each with a fix', doctorCommand],
    [
      'upgrade',
      'merge a newer Kubeflow release into the fork keeping your changes, push, then apply and watch as install does',
      upgradeCommand,
    ],
    [
      'images',
      'list every image the selection can run (image: fields and hidden references), each with where it is used',
      imagesCommand,
    ],
    [
      'open',
      'open the Kubeflow dashboard: forward a local port to the Istio ingress gateway until Ctrl-C',
      openCommand,
    ],
  ];
  for (const [name, description, adapter] of commands)
    COMMAND_FLAGS[name](p.command(name).description(description)).action(run(adapter));
  return p;
}

async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.ok;
  listenForInterrupts();
  try {
    await program((c) => {
      code = c;
    }).parseAsync(argv);
  } catch (err) {
    return reportError(interrupted(err), process.stderr, changes);
  }
  return exitCodeAfter(code, changes);
}

/** An error that came from killing the run's subprocesses is the interrupt, not a failure of theirs. */
function interrupted(err: unknown): unknown {
  if (!interrupt.signal.aborted || (err as { exitCode?: unknown }).exitCode === ExitCode.interrupted) return err;
  return new InterruptedError(
    'interrupted: stopped and removed the temporary files this run made; run the same command again to continue',
    { cause: err },
  );
}

process.exitCode = await main(process.argv);
