/**
 * The `upgrade` command and `plan --to`, as commander sees them: flags in, a run of
 * commands/upgrade.ts, words and an exit code out. Kept apart from cli.ts so the command is one
 * registration there.
 */
import { Command, Option } from 'commander';
import { RELEASES, type Release } from '../catalogue/releases.js';
import { DEFAULT_BRANCH, DEFAULT_UPSTREAM, TOOL } from '../constants.js';
import { createDeps } from '../deps.js';
import { ExitCode, UserError } from '../errors.js';
import { duration } from '../inputs/duration.js';
import { resolveForkOptions, type ForkOptions, type RawForkOptions } from '../inputs/fork-options.js';
import { runPreflight } from '../preflight/run-preflight.js';
import { redact } from '../systems/git.js';
import { createPrompter, mayPrompt } from '../systems/prompter.js';
import { createStderrLogger } from '../ui/logger.js';
import { progressMode } from '../ui/progress.js';
import { describeChange, renderUpgradeText, upgradeReportToJson } from '../upgrade/render-upgrade-plan.js';
import { runApply } from './apply.js';
import { locateFork } from './fork.js';
import { runUpgrade, runUpgradePlan, type UpgradeResult } from './upgrade.js';

/** Flags that say where the fork is; the rest of fork's flags are the fork's own business on upgrade. */
const LOCATION_KEYS = ['upstream', 'fork', 'githubFork', 'githubApiUrl', 'githubRepoName', 'branch', 'mirror', 'argocdRepoUrl', 'sshKey', 'tokenEnv', 'yes', 'output'] as const;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** The fork-location part of the flags, validated like fork's; release and selection come from the fork. */
export function upgradeForkOptions(o: Record<string, unknown>, to: Release | undefined): ForkOptions {
  const raw: Record<string, unknown> = {};
  for (const k of LOCATION_KEYS) if (o[k] !== undefined) raw[k] = o[k];
  return resolveForkOptions({ ...(raw as RawForkOptions), release: to });
}


/** `plan --to <release>`: what upgrade would do, done nowhere. */
export async function upgradePlanCommand(o: Record<string, unknown>): Promise<void> {
  const to = o.to as Release;
  const opts = upgradeForkOptions(o, to);
  const json = opts.output === 'json';
  const deps = createDeps(process.env, createStderrLogger(process.stderr, json), createPrompter(mayPrompt(opts.yes)));
  const preview = await runUpgradePlan(opts, to, deps);
  process.stdout.write(json ? `${JSON.stringify(upgradeReportToJson(preview), null, 2)}\n` : renderUpgradeText(preview, { diffs: true }));
}

export function registerUpgradeCommand(program: Command, setCode: (code: number) => void): void {
  program.command('upgrade')
    .description('merge a newer Kubeflow release into the fork keeping your changes, push, then apply and watch as install does')
    .addOption(new Option('--to <release>', 'the release to upgrade to').choices(RELEASES))
    .option('--continue', 'finish an upgrade that stopped on conflicts, after you resolved them')
    .option('--abort', 'drop an upgrade that stopped on conflicts (the fork was not changed)')
    .option('--fork <git-url-or-path>', 'your git repository (as given to fork or install)')
    .option('--github-fork <owner>', 'your GitHub fork (token in GITHUB_TOKEN)')
    .option('--github-api-url <url>', 'GitHub API for --github-fork')
    .option('--github-repo-name <name>', 'name of the GitHub fork (default: the upstream name)')
    .option('--branch <name>', 'branch in the fork that Argo CD follows', DEFAULT_BRANCH)
    .option('--upstream <url>', 'Kubeflow manifests repository the fork came from', DEFAULT_UPSTREAM)
    .option('--mirror <from>=<to>', 'fetch URLs starting with <from> from <to> instead (repeatable)', collect)
    .option('--argocd-repo-url <url>', 'URL Argo CD reads the fork from, when it differs from the push URL')
    .option('--ssh-key <path>', 'private key for an SSH fork URL')
    .option('--token-env <name>', 'environment variable holding the HTTPS token for the fork (default: KFG_GIT_TOKEN, or GITHUB_TOKEN with --github-fork)')
    .option('--no-apply', 'push the upgrade and stop: no cluster access (Argo CD follows the branch; status --watch follows it)')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--timeout <duration>', 'give up when not everything is ready after this long', '60m')
    .option('--component-timeout <duration>', 'per component, counted from when every lower wave is ready', '20m')
    .option('--failure-grace <duration>', 'how long a Degraded or failed component may recover before the run stops', '90s')
    .option('--configure-argocd', 'let kubeflow-gitops add its health check and settings to an adopted Argo CD')
    .option('-y, --yes', 'never prompt')
    .addOption(new Option('--output <format>', 'text, or json on stdout').choices(['text', 'json']).default('text'))
    .action(async (o: Record<string, unknown>) => { setCode(await upgradeCommand(o)); });
}

async function upgradeCommand(o: Record<string, unknown>): Promise<number> {
  if (o.continue === true && o.abort === true) throw new UserError('--continue and --abort are alternatives: give one');
  const action = o.continue === true ? 'continue' : o.abort === true ? 'abort' : 'start';
  const to = str(o.to) as Release | undefined;
  if (action === 'start' && to === undefined) throw new UserError('which release? pass --to <release> (one of ' + RELEASES.join(', ') + '), or --continue / --abort');
  const opts = upgradeForkOptions(o, to);
  const json = opts.output === 'json';
  const log = createStderrLogger(process.stderr, json);
  const deps = createDeps(process.env, log, createPrompter(mayPrompt(opts.yes)));
  const apply = o.apply !== false && action !== 'abort';
  const kube = apply ? deps.kube({ kubeconfig: str(o.kubeconfig), context: str(o.context) }) : undefined;
  const cluster = {
    configureArgocd: o.configureArgocd === true, timeoutMs: duration(o.timeout, '--timeout'),
    componentTimeoutMs: duration(o.componentTimeout, '--component-timeout'), failureGraceMs: duration(o.failureGrace, '--failure-grace'),
    progress: progressMode(opts.output, process.stderr.isTTY, process.env),
  };

  const r = await runUpgrade({ fork: opts, to, action }, deps, {
    // Reach the cluster before the fork changes: a wrong context or a dead API server stops here.
    beforePush: kube && (async (plan) => {
      const pre = await runPreflight(kube, { release: plan.to, target: plan.target, footprint: plan.footprint, components: plan.selection.map((c) => c.name) });
      if (!pre.ok) throw new UserError(`preflight failed for context "${kube.target.context}"; nothing was pushed:\n${pre.checks.filter((c) => c.status === 'fail').map((c) => `  - ${c.message}${c.fix ? ` (fix: ${c.fix})` : ''}`).join('\n')}`, ExitCode.preflight);
    }),
  });
  // One line: with apply, watch events follow on stdout one JSON document per line.
  if (json) process.stdout.write(`${JSON.stringify(resultJson(r))}\n`);
  switch (r.kind) {
    case 'aborted':
      log.info(r.existed ? 'dropped the stopped upgrade and its working copy; the fork was never changed' : 'no stopped upgrade to abort; nothing to do');
      return ExitCode.ok;
    case 'conflict':
      process.stderr.write(redact(conflictText(r)));
      return ExitCode.conflict;
    case 'up-to-date':
    case 'upgraded': {
      if (!json) process.stderr.write(renderUpgradeText({ from: r.plan.from, to: r.plan.to, plan: r.plan, autoResolved: r.autoResolved, conflicts: [] }, { diffs: false }));
      log.info(r.pushed ? `pushed ${r.revision.slice(0, 7)} to ${r.repoURL} ${r.branch}` : `the fork is up to date at ${r.revision.slice(0, 7)}: no new commit, nothing pushed`);
      if (!kube) {
        if (!json) process.stdout.write(`${r.repoURL} ${r.branch} ${r.revision}\n`);
        return ExitCode.ok;
      }
      const forkOpts = { ...opts, release: r.plan.to, target: r.plan.target, footprint: r.plan.footprint };
      const result = await runApply(forkOpts, cluster, deps, kube, await locateFork(forkOpts, deps, false));
      if (!json) process.stdout.write(`${r.repoURL} ${r.branch} ${result.revision}\n`);
      return result.exitCode;
    }
  }
}

function conflictText(r: Extract<UpgradeResult, { kind: 'conflict' }>): string {
  const same = sameCommand();
  return [
    `✗ the upgrade from ${r.from} to ${r.to} stopped: your changes conflict with upstream's in ${r.conflicts.length} file${r.conflicts.length > 1 ? 's' : ''}:`,
    ...r.conflicts.map((c) => `    ${c}`),
    ...(r.autoResolved.length > 0 ? [`  (${r.autoResolved.length} conflict(s) in kubeflow-gitops' own changes were settled automatically: ${r.autoResolved.map((a) => a.path).join(', ')})`] : []),
    '  Nothing was pushed. The merge is waiting for you in a working copy of the fork:',
    `    cd ${r.workDir}`,
    '    # edit each file above (remove the <<<<<<< ||||||| ======= >>>>>>> markers), then: git add <file>',
    `  then continue:  ${TOOL} upgrade ${same} --continue`,
    `  or drop it:     ${TOOL} upgrade ${same} --abort`,
    '',
  ].join('\n');
}

/** This run's flags minus --to, quoted for a shell: continue and abort need the same fork flags. */
function sameCommand(): string {
  const args = process.argv.slice(process.argv.indexOf('upgrade') + 1);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--to') { i++; continue; }
    if (a.startsWith('--to=')) continue;
    out.push(/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  }
  return out.join(' ');
}

function resultJson(r: UpgradeResult): object {
  switch (r.kind) {
    case 'aborted': return { status: 'aborted', existed: r.existed };
    case 'conflict': return { status: 'conflict', from: r.from, to: r.to, conflicts: r.conflicts, workDir: r.workDir, autoResolved: r.autoResolved };
    default: return {
      status: r.kind, repoURL: r.repoURL, branch: r.branch, revision: r.revision, committed: r.committed, pushed: r.pushed,
      components: r.plan.components.map((c) => ({ ...c, summary: describeChange(c, r.plan.to) })),
      ...upgradeReportToJson({ from: r.plan.from, to: r.plan.to, plan: r.plan, autoResolved: r.autoResolved, conflicts: [] }),
    };
  }
}
