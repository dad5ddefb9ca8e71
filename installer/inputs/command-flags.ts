/**
 * The flag groups the commands share, declared once so every command spells, describes and defaults
 * each flag the same way, and every one of them reads flags, `--config` and KFG_* through the same
 * merge (installer/inputs/merge-settings.ts, called for every command by cli.ts).
 */
import { Command, Option } from 'commander';
import { NEWEST_RELEASE, RELEASES, describeReleases } from '../catalogue/releases.js';
import { TARGETS } from '../catalogue/targets.js';
import { DEMO_COMPONENTS } from './demo-settings.js';
import {
  DEFAULT_ADMIN_EMAIL,
  DEFAULT_BRANCH,
  DEFAULT_TOKEN_ENV,
  DEFAULT_UPSTREAM,
  OPEN_DEFAULT_PORT,
} from '../core/constants.js';
import { loadConfigFile } from '../inputs/config-file.js';
import { flagSettings } from '../inputs/flag-settings.js';
import { withLoginOptions } from '../inputs/login-flags.js';
import { mergeSettings, type MergedSettings } from '../inputs/merge-settings.js';

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Where the fork is and how to reach it: what every command that touches the fork needs. */
export function withForkLocation(cmd: Command): Command {
  return cmd
    .option('--upstream <url>', 'Kubeflow manifests repository the fork comes from', DEFAULT_UPSTREAM)
    .option(
      '--fork <git-url-or-path>',
      'your git repository: an HTTPS or SSH URL, or a local path (created as a bare repository if missing)',
    )
    .option(
      '--github-fork <owner>',
      'create (or reuse) a GitHub fork under this user or organisation, with the token in GITHUB_TOKEN',
    )
    .option('--github-api-url <url>', 'GitHub API for --github-fork (GitHub Enterprise: https://HOST/api/v3)')
    .option('--github-repo-name <name>', 'name of the GitHub fork (default: the upstream name)')
    .option('--branch <name>', 'branch in the fork that Argo CD follows', DEFAULT_BRANCH)
    .option(
      '--mirror <from>=<to>',
      'fetch URLs starting with <from> from <to> instead (repeatable; http(s) or file://)',
      collect,
    )
    .option('--argocd-repo-url <url>', 'URL Argo CD reads the fork from, when it differs from the push URL')
    .option('--ssh-key <path>', 'private key for an SSH fork URL')
    .option(
      '--token-env <name>',
      'environment variable holding the HTTPS token for the fork (default: KFG_GIT_TOKEN, or GITHUB_TOKEN with --github-fork)',
    );
}

/** `--config`: every command takes its settings from a file too (and from KFG_* variables), in one way. */
export function withConfigFile(cmd: Command): Command {
  return cmd.option(
    '--config <file>',
    'YAML file of settings (keys are the flag names); flags and KFG_* variables override it',
  );
}

/** `--config`, `--yes` and `--output`: how a run takes its settings and gives its results. */
export function withRunOptions(cmd: Command): Command {
  return withConfigFile(cmd)
    .option('-y, --yes', 'never prompt')
    .addOption(new Option('--output <format>', 'text, or json on stdout').choices(['text', 'json']).default('text'));
}

/** Everything that decides what the fork holds, on top of where it is. */
export function withForkOptions(cmd: Command): Command {
  return withRunOptions(
    withLoginOptions(withForkLocation(cmd))
      .addOption(new Option('--release <tag>', `Kubeflow release: ${describeReleases()}`).choices(RELEASES))
      .option('--components <list>', 'comma-separated components or bundles, or "all" (default: all)')
      .addOption(new Option('--target <name>', 'cluster type the overlays are for (default: generic)').choices(TARGETS))
      .addOption(
        new Option(
          '--footprint <size>',
          'small lowers the heaviest requests (default: small on kind/minikube/microk8s)',
        ).choices(['small', 'full']),
      )
      .option('--oidc-issuer <url>', "EKS: the cluster's OIDC issuer, trusted for machine-to-machine tokens")
      .option(
        '--admin-password-file <file>',
        'file holding the Dex admin password (default: KFG_ADMIN_PASSWORD, or generated once)',
      )
      .option(
        '--admin-email <email>',
        `email of the Dex admin login (default: the fork's, else ${DEFAULT_ADMIN_EMAIL})`,
      )
      .option('--registry <host[/prefix]>', 'pull every image from this registry (see images --copy-to)'),
  );
}

export function withCluster(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'kubeconfig to use (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current one)');
}

export function withWatch(cmd: Command): Command {
  return cmd
    .option('--timeout <duration>', 'give up when not everything is ready after this long', '60m')
    .option('--component-timeout <duration>', 'per component, counted from when every lower wave is ready', '20m')
    .option(
      '--failure-grace <duration>',
      'how long a Degraded or failed component may recover before the run stops',
      '90s',
    );
}

/** The cluster half of install, apply and upgrade. */
export function withApply(cmd: Command): Command {
  return withWatch(withCluster(cmd))
    .option('--configure-argocd', 'let kubeflow-gitops add its health check and settings to an adopted Argo CD')
    .option('--no-seed', "on a first install, leave every component to Argo CD's own sync instead of seeding it");
}

/** Each command's flags, in the order --help lists them. */
export const COMMAND_FLAGS = {
  plan: (cmd: Command) =>
    withForkOptions(cmd).addOption(
      new Option('--to <release>', 'show the upgrade of the fork to this release instead (see upgrade)').choices(
        RELEASES,
      ),
    ),
  fork: withForkOptions,
  install: (cmd: Command) =>
    withApply(withForkOptions(cmd))
      .option('--save-config <file>', 'write the settings (answers, never secrets) to a YAML file for --config')
      .option('--no-image-check', 'with --registry, install without first looking every image up in the registry'),
  apply: (cmd: Command) => withApply(withForkOptions(cmd)),
  status: (cmd: Command) =>
    withConfigFile(withWatch(withCluster(cmd)))
      .option('--watch', 'keep watching until every component is ready, one fails, or the timeout')
      .option('--revision <sha>', 'expect this commit instead of the current one of the followed branch')
      .option('--registry <host[/prefix]>', 'also name every container whose image is not from this registry')
      .option('--token-env <name>', 'variable holding the HTTPS token to read the fork branch', DEFAULT_TOKEN_ENV)
      .addOption(
        new Option('--output <format>', 'text, or json events on stdout').choices(['text', 'json']).default('text'),
      ),
  uninstall: (cmd: Command) =>
    withConfigFile(withCluster(cmd))
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
      ),
  doctor: (cmd: Command) =>
    withConfigFile(withCluster(cmd))
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
      .option('--fork <git-url-or-path>', 'the fork you will install from: a local path must be one Argo CD can read')
      .option('--argocd-repo-url <url>', 'URL Argo CD reads the fork from, when it differs from --fork')
      .option('--registry <host[/prefix]>', 'also check that every image of the selection is in this registry')
      .option('--upstream <url>', 'Kubeflow manifests repository, for --registry', DEFAULT_UPSTREAM)
      .option(
        '--mirror <from>=<to>',
        'fetch URLs starting with <from> from <to> instead (repeatable; http(s) or file://)',
        collect,
      )
      .addOption(new Option('--output <format>', 'text, or json on stdout').choices(['text', 'json']).default('text')),
  demo: (cmd: Command) =>
    withWatch(
      cmd
        .option('--upstream <url>', 'Kubeflow manifests repository the fork comes from', DEFAULT_UPSTREAM)
        .option(
          '--mirror <from>=<to>',
          'fetch URLs starting with <from> from <to> instead (repeatable; http(s) or file://)',
          collect,
        )
        .addOption(new Option('--release <tag>', `Kubeflow release: ${describeReleases()}`).choices(RELEASES))
        .option(
          '--components <list>',
          'comma-separated components or bundles to install, or "all"',
          DEMO_COMPONENTS.join(','),
        )
        .option('--branch <name>', 'branch in the demo fork that Argo CD follows', DEFAULT_BRANCH)
        .option(
          '--config <file>',
          'YAML file of settings (keys are the flag names); flags and KFG_* variables override it',
        ),
    ),
  upgrade: (cmd: Command) =>
    withApply(
      withRunOptions(
        withForkLocation(
          cmd
            .addOption(new Option('--to <release>', 'the release to upgrade to').choices(RELEASES))
            .option('--continue', 'finish an upgrade that stopped on conflicts, after you resolved them')
            .option('--abort', 'drop an upgrade that stopped on conflicts (the fork was not changed)')
            .option(
              '--no-apply',
              'push the upgrade and stop: no cluster access (Argo CD follows the branch; status --watch follows it)',
            ),
        ),
      ),
    ),
  images: (cmd: Command) =>
    withRunOptions(
      withForkLocation(cmd)
        .addOption(new Option('--release <tag>', `Kubeflow release: ${describeReleases()}`).choices(RELEASES))
        .option('--components <list>', 'comma-separated components or bundles, or "all" (default: all)')
        .addOption(
          new Option('--target <name>', 'cluster type the overlays are for (default: generic)').choices(TARGETS),
        )
        .addOption(new Option('--footprint <size>').choices(['small', 'full']))
        .option(
          '--copy-to <host[/prefix]>',
          'copy every image there with skopeo (credentials from its auth files) and lock the digests in the fork',
        )
        .option('--no-argocd', "leave out Argo CD's own images: for a cluster whose Argo CD install adopts"),
    ),
  open: (cmd: Command) =>
    withConfigFile(withCluster(cmd))
      .option(
        '--port <number>',
        'local port to forward (0: any free one; the URL on stdout says which)',
        String(OPEN_DEFAULT_PORT),
      )
      .option('--no-browser', 'only print the URL, never start a browser'),
} satisfies Record<string, (cmd: Command) => Command>;

/** defaults < --config file < KFG_* environment < flags. */
export async function mergedSettings(cmd: Command): Promise<MergedSettings> {
  const configPath = str(cmd.opts<Record<string, unknown>>().config);
  const config = configPath !== undefined ? await loadConfigFile(configPath) : undefined;
  return mergeSettings({ config, env: process.env, flags: flagSettings(cmd) });
}
