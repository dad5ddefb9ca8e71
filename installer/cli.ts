#!/usr/bin/env node
/**
 * kubeflow-gitops: argv -> typed options -> command -> exit code. Errors are handled here only:
 * a UserError prints its message (which names the flag or file to fix), never a stack trace.
 */
import { Command, Option } from 'commander';
import { mergedSettings, str, withApply, withCluster, withForkOptions, withWatch } from './commands/command-options.js';
import { runFork, runPlan } from './commands/fork.js';
import { runInstallCommand } from './commands/install.js';
import { duration } from './inputs/duration.js';
import { runStatus } from './commands/status.js';
import { runUninstall } from './commands/uninstall.js';
import { registerUpgradeCommand, upgradePlanCommand } from './commands/upgrade-cli.js';
import { resolveComponents } from './catalogue/resolve-components.js';
import { runPreflight } from './preflight/run-preflight.js';
import { KubeApiError } from './systems/kube.js';
import { progressMode } from './ui/progress.js';
import { createDeps } from './deps.js';
import { ExitCode, ExternalError, InterruptedError, UserError } from './errors.js';
import {
  rawForkOptionsFrom,
  rawForkOptionsSchema,
  resolveForkOptions,
  type RawForkOptions,
} from './inputs/fork-options.js';
import { NEWEST_RELEASE, RELEASES, describeReleases } from './catalogue/releases.js';
import { TARGETS } from './catalogue/targets.js';
import { DEFAULT_ADMIN_EMAIL } from './inputs/settings.js';
import { planToJson, renderPlanText } from './plan/render-plan.js';
import { redact } from './systems/git.js';
import { createPrompter, mayPrompt } from './systems/prompter.js';
import { createStderrLogger } from './ui/logger.js';

async function forkOptions(cmd: Command): Promise<ReturnType<typeof resolveForkOptions>> {
  const o = cmd.opts<Record<string, unknown>>();
  const merged = await mergedSettings(cmd);
  return resolveForkOptions(parseRaw(rawForkOptionsFrom(merged.values, o.yes === true, str(o.output))));
}

function parseRaw(raw: RawForkOptions): RawForkOptions {
  const parsed = rawForkOptionsSchema.safeParse(raw);
  if (!parsed.success)
    throw new UserError(
      `invalid options: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('kubeflow-gitops')
    .description('Bootstrap Kubeflow with GitOps: fork the manifests, write Argo CD Applications, apply, watch.')
    .showHelpAfterError()
    .exitOverride();
  let code: number = ExitCode.ok;

  withForkOptions(
    program
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
    .action(async (o: Record<string, unknown>, cmd: Command) => {
      if (o.to !== undefined) {
        await upgradePlanCommand(cmd);
        return;
      }
      const opts = await forkOptions(cmd);
      const plan = await runPlan(
        opts,
        createDeps(
          process.env,
          createStderrLogger(process.stderr, opts.output === 'json'),
          createPrompter(mayPrompt(opts.yes)),
        ),
      );
      process.stdout.write(
        opts.output === 'json' ? `${JSON.stringify(planToJson(plan), null, 2)}\n` : renderPlanText(plan),
      );
    });

  withForkOptions(
    program
      .command('fork')
      .description('fork the manifests into your repository, vendor remote bases, write the Applications, push'),
  ).action(async (_o: Record<string, unknown>, cmd: Command) => {
    const opts = await forkOptions(cmd);
    const log = createStderrLogger(process.stderr, opts.output === 'json');
    const r = await runFork(opts, createDeps(process.env, log, createPrompter(mayPrompt(opts.yes))));
    if (opts.output === 'json') {
      process.stdout.write(
        `${JSON.stringify({ repoURL: r.repoURL, branch: r.branch, revision: r.revision, committed: r.committed, pushed: r.pushed, passwordFile: r.passwordFile, plan: planToJson(r.plan) }, null, 2)}\n`,
      );
      return;
    }
    log.info(
      r.committed
        ? `committed ${r.plan.files.length} file(s) and vendored ${r.plan.vendor.sources.length} base(s)`
        : 'the fork was already up to date: no new commit',
    );
    if (r.passwordFile !== undefined)
      log.info(
        `generated the Dex admin password (${r.plan.adminEmail ?? DEFAULT_ADMIN_EMAIL}); it is in ${r.passwordFile} (mode 0600) and nowhere else`,
      );
    process.stdout.write(`${r.repoURL} ${r.branch} ${r.revision}\n`);
  });

  withApply(
    withForkOptions(
      program
        .command('install')
        .description(
          'fork, then apply: adopt or install Argo CD, apply the root app-of-apps, watch every component to Healthy',
        ),
    ),
  )
    .option('--save-config <file>', 'write the settings (answers, never secrets) to a YAML file for --config')
    .action(async (_o: Record<string, unknown>, cmd: Command) => {
      code = await installCommand(cmd, true);
    });
  withApply(
    withForkOptions(
      program
        .command('apply')
        .description(
          'for a fork that exists: adopt or install Argo CD, apply the root app-of-apps, watch every component',
        ),
    ),
  ).action(async (_o: Record<string, unknown>, cmd: Command) => {
    code = await installCommand(cmd, false);
  });
  withWatch(
    withCluster(
      program
        .command('status')
        .description('assess every component of the install in the cluster; --watch follows it until ready'),
    ),
  )
    .option('--watch', 'keep watching until every component is ready, one fails, or the timeout')
    .option('--revision <sha>', 'expect this commit instead of the current one of the followed branch')
    .option('--token-env <name>', 'variable holding the HTTPS token to read the fork branch', 'KFG_GIT_TOKEN')
    .addOption(
      new Option('--output <format>', 'text, or json events on stdout').choices(['text', 'json']).default('text'),
    )
    .action(async (o: Record<string, unknown>) => {
      const json = o.output === 'json';
      const deps = createDeps(process.env, createStderrLogger(process.stderr, json));
      const kube = deps.kube({ kubeconfig: str(o.kubeconfig), context: str(o.context) });
      const tokenEnv = str(o.tokenEnv) ?? 'KFG_GIT_TOKEN';
      const token = process.env[tokenEnv];
      code = await runStatus(
        {
          watch: o.watch === true,
          revision: str(o.revision),
          timeoutMs: duration(o.timeout, '--timeout'),
          componentTimeoutMs: duration(o.componentTimeout, '--component-timeout'),
          failureGraceMs: duration(o.failureGrace, '--failure-grace'),
          progress: progressMode(json ? 'json' : 'text', process.stderr.isTTY, process.env),
          auth: { token: token ? { value: token, source: tokenEnv } : undefined, tokenHint: tokenEnv },
        },
        deps,
        kube,
      );
    });
  withCluster(
    program
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
    .action(async (o: Record<string, unknown>) => {
      const deps = createDeps(
        process.env,
        createStderrLogger(process.stderr),
        createPrompter(mayPrompt(o.yes === true)),
      );
      const kube = deps.kube({ kubeconfig: str(o.kubeconfig), context: str(o.context) });
      const abort = new AbortController();
      const onSigint = () => {
        abort.abort();
      };
      process.once('SIGINT', onSigint);
      try {
        const r = await runUninstall(
          {
            keepArgocd: o.keepArgocd === true,
            keepCrds: o.keepCrds === true,
            dryRun: o.dryRun === true,
            yes: o.yes === true,
            waveTimeoutMs: duration(o.waveTimeout, '--wave-timeout'),
            signal: abort.signal,
          },
          deps,
          kube,
        );
        code = r.exitCode;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
  withCluster(
    program
      .command('doctor')
      .description('preflight: every check for installing Kubeflow on this cluster, each with a fix'),
  )
    .addOption(
      new Option('--release <tag>', `Kubeflow release: ${describeReleases()}`)
        .choices(RELEASES)
        .default(NEWEST_RELEASE),
    )
    .option('--components <list>', 'components to size the check for', 'all')
    .addOption(
      new Option('--target <name>', 'cluster type you intend to install for').choices(TARGETS).default('generic'),
    )
    .addOption(new Option('--footprint <size>').choices(['small', 'full']))
    .addOption(new Option('--output <format>', 'text, or json on stdout').choices(['text', 'json']).default('text'))
    .action(async (o: Record<string, unknown>) => {
      const deps = createDeps(process.env, createStderrLogger(process.stderr, o.output === 'json'));
      const kube = deps.kube({ kubeconfig: str(o.kubeconfig), context: str(o.context) });
      const opts = resolveForkOptions({
        release: str(o.release),
        components: str(o.components),
        target: str(o.target),
        footprint: str(o.footprint),
        fork: '/dev/null',
      });
      const names = resolveComponents(opts.components, opts.release).map((c) => c.spec.name);
      const r = await runPreflight(kube, {
        release: opts.release,
        target: opts.target,
        footprint: opts.footprint,
        components: names,
      });
      if (o.output === 'json')
        process.stdout.write(
          `${JSON.stringify({ context: kube.target.context, server: kube.target.server, ok: r.ok, checks: r.checks }, null, 2)}\n`,
        );
      else {
        process.stdout.write(`context "${kube.target.context}" (${kube.target.server})\n`);
        for (const c of r.checks)
          process.stdout.write(
            `${c.status === 'ok' ? '✔' : c.status === 'warn' ? '!' : '✗'} ${c.name}: ${c.message}${c.fix ? `\n    fix: ${c.fix}` : ''}\n`,
          );
      }
      code = r.ok ? ExitCode.ok : ExitCode.preflight;
    });

  registerUpgradeCommand(program, (c) => {
    code = c;
  });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    code = report(err);
  }
  return code;
}

/** install and apply: the wizard (install on a terminal), then fork and apply. */
async function installCommand(cmd: Command, fork: boolean): Promise<number> {
  const o = cmd.opts<Record<string, unknown>>();
  const merged = await mergedSettings(cmd);
  const output = o.output === 'json' ? 'json' : 'text';
  const deps = createDeps(
    process.env,
    createStderrLogger(process.stderr, output === 'json'),
    createPrompter(mayPrompt(o.yes === true)),
  );
  return runInstallCommand(
    { merged, yes: o.yes === true, output, saveConfig: str(o.saveConfig), fork, stderr: process.stderr },
    deps,
  );
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
