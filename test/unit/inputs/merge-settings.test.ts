import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { clusterOptionsFrom } from '../../../installer/steps/cluster-options.js';
import { withApply } from '../../../installer/inputs/command-flags.js';
import { parseConfigText } from '../../../installer/inputs/config-file.js';
import { flagSettings } from '../../../installer/inputs/flag-settings.js';
import { mergeSettings, settingsFromEnv } from '../../../installer/inputs/merge-settings.js';

const config = (text: string) => parseConfigText(text, 'install.yaml');

describe('settings precedence: defaults < config file < environment < flags', () => {
  it('each source overrides the one before, and each value says where it came from', () => {
    const m = mergeSettings({
      config: config('release: v1.11.0\ntarget: kind\nbranch: from-file\ncomponents: [katib]\n'),
      env: { KFG_TARGET: 'minikube', KFG_BRANCH: 'from-env', KFG_COMPONENTS: 'pipelines, notebooks' },
      flags: { branch: 'from-flag' },
    });
    expect(m.values).toEqual({
      release: 'v1.11.0',
      target: 'minikube',
      branch: 'from-flag',
      components: ['pipelines', 'notebooks'],
    });
    expect(m.origins.get('release')).toEqual({ kind: 'config', label: 'install.yaml:1 (key release)' });
    expect(m.origins.get('target')).toEqual({ kind: 'env', label: 'KFG_TARGET' });
    expect(m.origins.get('branch')).toEqual({ kind: 'flag', label: '--branch' });
  });

  it('--fork and --github-fork are one choice: a higher source of either replaces both', () => {
    const m = mergeSettings({
      config: config('github-fork: octo\ngithub-repo-name: kf\n'),
      env: {},
      flags: { fork: '/srv/fork.git' },
    });
    expect(m.values.fork).toBe('/srv/fork.git');
    expect(m.values.githubFork).toBeUndefined();
    expect(m.values.githubRepoName).toBe('kf');
  });

  it('reads lists, booleans and mirrors from the environment, and names a malformed variable', () => {
    const e = settingsFromEnv({
      KFG_CONFIGURE_ARGOCD: 'yes',
      KFG_MIRROR: 'https://github.com/=file:///m/ https://dl.k8s.io/=http://127.0.0.1:1/',
      KFG_ADMIN_EMAIL: 'a@b.io',
    });
    expect(e.values).toEqual({
      configureArgocd: true,
      mirror: ['https://github.com/=file:///m/', 'https://dl.k8s.io/=http://127.0.0.1:1/'],
      adminEmail: 'a@b.io',
    });
    expect(() => settingsFromEnv({ KFG_RELEASE: '27.01', KFG_FOOTPRINT: 'tiny' })).toThrow(
      /KFG_RELEASE="27\.01": must be one of v1\.10\.2, v1\.11\.0, 26\.03 \(default\), 26\.03\.1-rc\.2 \(pre-release\) \(or unset it\)\nKFG_FOOTPRINT="tiny": must be one of small, full/,
    );
    expect(settingsFromEnv({ KFG_RELEASE: '' }).values).toEqual({});
  });

  it('a commander default never hides a config value; an explicit flag does', () => {
    const program = () =>
      new Command('t')
        .exitOverride()
        .option('--branch <name>', 'branch', 'kubeflow-gitops')
        .addOption(new Option('--timeout <d>').default('60m'))
        .option('--components <list>');
    const cmd = program().parse(['node', 't'], { from: 'node' });
    const m = mergeSettings({ config: config('branch: team\ntimeout: 2h\n'), env: {}, flags: flagSettings(cmd) });
    expect(m.values).toEqual({ branch: 'team', timeout: '2h' });
    const explicit = program().parse(['node', 't', '--branch', 'mine', '--components', 'katib, pipelines'], {
      from: 'node',
    });
    expect(flagSettings(explicit)).toEqual({ branch: 'mine', components: ['katib', 'pipelines'] });
  });

  it('an SSH key that is not a readable file is named with the flag, variable or config key that gave it', () => {
    const none = () => false;
    expect(() => mergeSettings({ env: {}, flags: { sshKey: '/k' }, isReadableFile: none })).toThrow(
      /^--ssh-key: the SSH key \/k does not exist or is not a readable file/,
    );
    expect(() => mergeSettings({ env: { KFG_SSH_KEY: '/k' }, flags: {}, isReadableFile: none })).toThrow(
      /^KFG_SSH_KEY: /,
    );
    expect(() => mergeSettings({ config: config('ssh-key: /k\n'), env: {}, flags: {}, isReadableFile: none })).toThrow(
      /^install\.yaml:1 \(key ssh-key\): the SSH key \/k/,
    );
    expect(mergeSettings({ env: {}, flags: { sshKey: '/k' }, isReadableFile: () => true }).values).toEqual({
      sshKey: '/k',
    });
  });
});

describe('--no-seed', () => {
  const program = () => withApply(new Command('install').exitOverride());
  it('is one setting from the flag, the config key no-seed and KFG_NO_SEED', () => {
    const none = program().parse([], { from: 'user' });
    expect(flagSettings(none)).toEqual({});
    const given = program().parse(['--no-seed'], { from: 'user' });
    expect(flagSettings(given)).toEqual({ noSeed: true });
    expect(mergeSettings({ config: config('no-seed: true\n'), env: {}, flags: {} }).values).toEqual({ noSeed: true });
    const env = mergeSettings({ env: { KFG_NO_SEED: '1' }, flags: {} });
    expect(env.values).toEqual({ noSeed: true });
    expect(env.origins.get('noSeed')).toEqual({ kind: 'env', label: 'KFG_NO_SEED' });
    // The environment overrides the file, as for every setting.
    expect(
      mergeSettings({ config: config('no-seed: true\n'), env: { KFG_NO_SEED: 'false' }, flags: {} }).values,
    ).toEqual({
      noSeed: false,
    });
    const cluster = (noSeed?: boolean) =>
      clusterOptionsFrom(noSeed === undefined ? {} : { noSeed }, { output: 'text', isTTY: false, env: {} }).seed;
    expect([cluster(), cluster(false), cluster(true)]).toEqual([true, true, false]);
  });
});
