/**
 * The `upgrade` command and `plan --to`, as commander sees them: flags in, a run of
 * commands/upgrade.ts, words and an exit code out. Kept apart from cli.ts so the command is one
 * registration there.
 */
import { Command, Option } from 'commander';
import { RELEASES, type Release } from '../catalogue/releases.js';
import { TOOL } from '../constants.js';
import { createDeps } from '../deps.js';
import { ExitCode, UserError } from '../errors.js';
import { duration } from '../inputs/duration.js';
import { rawForkOptionsFrom, resolveForkOptions, type ForkOptions } from '../inputs/fork-options.js';
import type { MergedSettings } from '../inputs/merge-settings.js';
import { CLUSTER_DEFAULTS, type SettingName } from '../inputs/settings.js';
import { readInstallRecord } from '../execute/install-record.js';
import { readForkApplications } from '../execute/read-fork-files.js';
import { listApplications } from '../systems/argocd.js';
import { prepareRetirements } from '../execute/retire-applications.js';
import { planRetirements } from '../plan/plan-retirements.js';
import { runPreflight } from '../preflight/run-preflight.js';
import { redact } from '../systems/git.js';
import { createPrompter, mayPrompt } from '../systems/prompter.js';
import { createStderrLogger } from '../ui/logger.js';
import { progressMode } from '../ui/progress.js';
import { describeChange, renderUpgradeText, upgradeReportToJson } from '../upgrade/render-upgrade-plan.js';
import { runApply } from './apply.js';
import { mergedSettings, str, withApply, withForkLocation, withRunOptions } from './command-options.js';
import { locateFork } from './fork.js';
import { runUpgrade, runUpgradePlan, type UpgradeResult } from './upgrade.js';

/** Upgrade's fork settings: where the fork is; its release and components come from the fork itself. */
const LOCATION: readonly SettingName[] = [
  'upstream',
  'fork',
  'githubFork',
  'githubApiUrl',
  'githubRepoName',
  'branch',
  'mirror',
  'argocdRepoUrl',
  'sshKey',
  'tokenEnv',
];

/** The fork-location part of the merged settings, validated as fork validates them. */
export function upgradeForkOptions(merged: MergedSettings, cmd: Command, to: Release | undefined): ForkOptions {
  const o = cmd.opts<Record<string, unknown>>();
  const location = Object.fromEntries(LOCATION.map((k) => [k, merged.values[k]]));
  return resolveForkOptions({ ...rawForkOptionsFrom(location, o.yes === true, str(o.output)), release: to });
}

/** `plan --to <release>`: what upgrade would do, done nowhere. */
export async function upgradePlanCommand(cmd: Command): Promise<void> {
  const to = cmd.opts<Record<string, unknown>>().to as Release;
  const opts = upgradeForkOptions(await mergedSettings(cmd), cmd, to);
  const json = opts.output === 'json';
  const deps = createDeps(process.env, createStderrLogger(process.stderr, json), createPrompter(mayPrompt(opts.yes)));
  const preview = await runUpgradePlan(opts, to, deps);
  process.stdout.write(
    json ? `${JSON.stringify(upgradeReportToJson(preview), null, 2)}\n` : renderUpgradeText(preview, { diffs: true }),
  );
}

export function registerUpgradeCommand(program: Command, setCode: (code: number) => void): void {
  const cmd = program
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
  withApply(withRunOptions(withForkLocation(cmd))).action(async (_o: Record<string, unknown>, c: Command) => {
    setCode(await upgradeCommand(c));
  });
}

async function upgradeCommand(cmd: Command): Promise<number> {
  const o = cmd.opts<Record<string, unknown>>();
  if (o.continue === true && o.abort === true) throw new UserError('--continue and --abort are alternatives: give one');
  const action = o.continue === true ? 'continue' : o.abort === true ? 'abort' : 'start';
  const to = str(o.to) as Release | undefined;
  if (action === 'start' && to === undefined)
    throw new UserError(
      'which release? pass --to <release> (one of ' + RELEASES.join(', ') + '), or --continue / --abort',
    );
  const merged = await mergedSettings(cmd);
  const settings = merged.values;
  const opts = upgradeForkOptions(merged, cmd, to);
  const json = opts.output === 'json';
  const log = createStderrLogger(process.stderr, json);
  const deps = createDeps(process.env, log, createPrompter(mayPrompt(opts.yes)));
  const apply = o.apply !== false && action !== 'abort';
  const kube = apply ? deps.kube({ kubeconfig: settings.kubeconfig, context: settings.context }) : undefined;
  const cluster = {
    configureArgocd: settings.configureArgocd === true,
    timeoutMs: duration(settings.timeout ?? CLUSTER_DEFAULTS.timeout, '--timeout'),
    componentTimeoutMs: duration(settings.componentTimeout ?? CLUSTER_DEFAULTS.componentTimeout, '--component-timeout'),
    failureGraceMs: duration(settings.failureGrace ?? CLUSTER_DEFAULTS.failureGrace, '--failure-grace'),
    progress: progressMode(opts.output, process.stderr.isTTY, process.env),
  };

  const r = await runUpgrade({ fork: opts, to, action }, deps, {
    // Reach the cluster before the fork changes: a wrong context or a dead API server stops here.
    beforePush:
      kube &&
      (async (plan, dir) => {
        const pre = await runPreflight(kube, {
          release: plan.to,
          target: plan.target,
          footprint: plan.footprint,
          components: plan.selection.map((c) => c.name),
        });
        if (!pre.ok)
          throw new UserError(
            `preflight failed for context "${kube.target.context}"; nothing was pushed:\n${pre.checks
              .filter((c) => c.status === 'fail')
              .map((c) => `  - ${c.message}${c.fix ? ` (fix: ${c.fix})` : ''}`)
              .join('\n')}`,
            ExitCode.preflight,
          );
        // Before the push: Argo CD may see the new commit at once (a webhook), and would then cascade.
        const forkApps = new Set((await readForkApplications(dir)).map((a) => a.metadata?.name ?? ''));
        const live = await listApplications(kube);
        await prepareRetirements(
          kube,
          planRetirements(live, forkApps, plan.to),
          live,
          await readInstallRecord(kube),
          log,
        );
      }),
  });
  // One line: with apply, watch events follow on stdout one JSON document per line.
  if (json) process.stdout.write(`${JSON.stringify(resultJson(r))}\n`);
  switch (r.kind) {
    case 'aborted':
      log.info(
        r.existed
          ? 'dropped the stopped upgrade and its working copy; the fork was never changed'
          : 'no stopped upgrade to abort; nothing to do',
      );
      return ExitCode.ok;
    case 'conflict':
      process.stderr.write(redact(conflictText(r)));
      return ExitCode.conflict;
    case 'up-to-date':
    case 'upgraded': {
      if (!json)
        process.stderr.write(
          renderUpgradeText(
            { from: r.plan.from, to: r.plan.to, plan: r.plan, autoResolved: r.autoResolved, conflicts: [] },
            { diffs: false },
          ),
        );
      log.info(
        r.pushed
          ? `pushed ${r.revision.slice(0, 7)} to ${r.repoURL} ${r.branch}`
          : `the fork is up to date at ${r.revision.slice(0, 7)}: no new commit, nothing pushed`,
      );
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
    ...(r.autoResolved.length > 0
      ? [
          `  (${r.autoResolved.length} conflict(s) in kubeflow-gitops' own changes were settled automatically: ${r.autoResolved.map((a) => a.path).join(', ')})`,
        ]
      : []),
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
    if (a === '--to') {
      i++;
      continue;
    }
    if (a.startsWith('--to=')) continue;
    out.push(/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`);
  }
  return out.join(' ');
}

function resultJson(r: UpgradeResult): object {
  switch (r.kind) {
    case 'aborted':
      return { status: 'aborted', existed: r.existed };
    case 'conflict':
      return {
        status: 'conflict',
        from: r.from,
        to: r.to,
        conflicts: r.conflicts,
        workDir: r.workDir,
        autoResolved: r.autoResolved,
      };
    default:
      return {
        status: r.kind,
        repoURL: r.repoURL,
        branch: r.branch,
        revision: r.revision,
        committed: r.committed,
        pushed: r.pushed,
        components: r.plan.components.map((c) => ({ ...c, summary: describeChange(c, r.plan.to) })),
        ...upgradeReportToJson({
          from: r.plan.from,
          to: r.plan.to,
          plan: r.plan,
          autoResolved: r.autoResolved,
          conflicts: [],
        }),
      };
  }
}
