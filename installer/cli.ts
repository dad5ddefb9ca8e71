#!/usr/bin/env node
/**
 * kubeflow-gitops: argv -> typed options -> command -> exit code. Errors are handled here only:
 * a UserError prints its message (which names the flag or file to fix), never a stack trace.
 */
import { Command, Option } from 'commander';
import { runFork, runPlan } from './commands/fork.js';
import { createDeps } from './deps.js';
import { ExitCode, ExternalError, InterruptedError, UserError } from './errors.js';
import { rawForkOptionsSchema, resolveForkOptions, type RawForkOptions } from './inputs/fork-options.js';
import { RELEASES } from './catalogue/releases.js';
import { TARGETS } from './catalogue/targets.js';
import { DEFAULT_BRANCH, DEFAULT_UPSTREAM } from './constants.js';
import { planToJson, renderPlanText } from './plan/render-plan.js';
import { redact } from './systems/git.js';
import { createPrompter, mayPrompt } from './systems/prompter.js';
import { createStderrLogger } from './ui/logger.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function withForkOptions(cmd: Command): Command {
  return cmd
    .option('--upstream <url>', 'Kubeflow manifests repository to fork', DEFAULT_UPSTREAM)
    .addOption(new Option('--release <tag>', 'Kubeflow release').choices(RELEASES))
    .option('--components <list>', 'comma-separated components or bundles, or "all" (default: all)')
    .addOption(new Option('--target <name>', 'cluster type the overlays are for (default: generic)').choices(TARGETS))
    .addOption(new Option('--footprint <size>', 'small lowers the heaviest requests (default: small on kind/minikube/microk8s)').choices(['small', 'full']))
    .option('--fork <git-url-or-path>', 'your git repository: an HTTPS or SSH URL, or a local path (created as a bare repository if missing)')
    .option('--github-fork <owner>', 'create (or reuse) a GitHub fork under this user or organisation, with the token in GITHUB_TOKEN')
    .option('--github-api-url <url>', 'GitHub API for --github-fork (GitHub Enterprise: https://HOST/api/v3)')
    .option('--github-repo-name <name>', 'name of the GitHub fork (default: the upstream name)')
    .option('--branch <name>', 'branch in the fork that Argo CD follows', DEFAULT_BRANCH)
    .option('--mirror <from>=<to>', 'fetch URLs starting with <from> from <to> instead (repeatable; http(s) or file://)', collect)
    .option('--argocd-repo-url <url>', 'URL Argo CD reads the fork from, when it differs from the push URL')
    .option('--ssh-key <path>', 'private key for an SSH fork URL')
    .option('--token-env <name>', 'environment variable holding the HTTPS token for the fork (default: KFG_GIT_TOKEN, or GITHUB_TOKEN with --github-fork)')
    .option('--oidc-issuer <url>', "EKS: the cluster's OIDC issuer, trusted for machine-to-machine tokens")
    .option('--admin-password-file <file>', 'file holding the Dex admin password (default: KFG_ADMIN_PASSWORD, or generated once)')
    .option('-y, --yes', 'never prompt')
    .addOption(new Option('--output <format>', 'text, or json on stdout').choices(['text', 'json']).default('text'));
}

function parseRaw(opts: Record<string, unknown>): RawForkOptions {
  const picked = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
  const parsed = rawForkOptionsSchema.safeParse(picked);
  if (!parsed.success) throw new UserError(`invalid options: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

async function main(argv: string[]): Promise<number> {
  const program = new Command('kubeflow-gitops')
    .description('Bootstrap Kubeflow with GitOps: fork the manifests, write Argo CD Applications, apply, watch.')
    .showHelpAfterError()
    .exitOverride();
  let code: number = ExitCode.ok;

  withForkOptions(program.command('plan').description('print what fork would do (components, files, vendored bases, Application diffs) and change nothing'))
    .action(async (o: Record<string, unknown>) => {
      const opts = resolveForkOptions(parseRaw(o));
      const plan = await runPlan(opts, createDeps(process.env, createStderrLogger(process.stderr, opts.output === 'json'), createPrompter(mayPrompt(opts.yes))));
      process.stdout.write(opts.output === 'json' ? `${JSON.stringify(planToJson(plan), null, 2)}\n` : renderPlanText(plan));
    });

  withForkOptions(program.command('fork').description('fork the manifests into your repository, vendor remote bases, write the Applications, push'))
    .action(async (o: Record<string, unknown>) => {
      const opts = resolveForkOptions(parseRaw(o));
      const log = createStderrLogger(process.stderr, opts.output === 'json');
      const r = await runFork(opts, createDeps(process.env, log, createPrompter(mayPrompt(opts.yes))));
      if (opts.output === 'json') {
        process.stdout.write(`${JSON.stringify({ repoURL: r.repoURL, branch: r.branch, revision: r.revision, committed: r.committed, pushed: r.pushed, passwordFile: r.passwordFile, plan: planToJson(r.plan) }, null, 2)}\n`);
        return;
      }
      log.info(r.committed ? `committed ${r.plan.files.length} file(s) and vendored ${r.plan.vendor.sources.length} base(s)` : 'the fork was already up to date: no new commit');
      if (r.passwordFile !== undefined) log.info(`generated the Dex admin password (user@example.com); it is in ${r.passwordFile} (mode 0600) and nowhere else`);
      process.stdout.write(`${r.repoURL} ${r.branch} ${r.revision}\n`);
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    code = report(err);
  }
  return code;
}

function report(err: unknown): number {
  const e = err as { code?: string; exitCode?: number; name?: string; message?: string };
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.ok;
  if (typeof e.code === 'string' && e.code.startsWith('commander.')) return ExitCode.usage;
  if (err instanceof UserError || err instanceof ExternalError || err instanceof InterruptedError) {
    process.stderr.write(`✗ ${redact(err.message)}\n`);
    return err.exitCode;
  }
  if (e.name === 'ExitPromptError' || e.name === 'AbortPromptError') return ExitCode.interrupted;
  process.stderr.write(`✗ internal error: ${redact(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n  please report it with the command you ran\n`);
  return ExitCode.failure;
}

process.exitCode = await main(process.argv);
