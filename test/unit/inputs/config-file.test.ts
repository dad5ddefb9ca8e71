import { describe, expect, it } from 'vitest';
import { parseConfigText, renderConfigFile } from '../../../installer/inputs/config-file.js';
import type { Settings } from '../../../installer/inputs/settings.js';
import { UserError } from '../../../installer/core/errors.js';

const problemsOf = (text: string): string => {
  try {
    parseConfigText(text, 'install.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
};

describe('config file', () => {
  it('reads every kind of setting; plain scalars keep the text as written', () => {
    const c = parseConfigText(
      [
        'release: 26.03',
        'components: [pipelines, notebooks]',
        'mirror: https://github.com/=http://127.0.0.1:1/',
        'configure-argocd: true',
        'github-fork: octo',
        'admin-email: me@example.org',
        'timeout: 30m',
      ].join('\n'),
      'install.yaml',
    );
    expect(c.values).toEqual({
      release: '26.03',
      components: ['pipelines', 'notebooks'],
      mirror: ['https://github.com/=http://127.0.0.1:1/'],
      configureArgocd: true,
      githubFork: 'octo',
      adminEmail: 'me@example.org',
      timeout: '30m',
    });
    expect(c.where('components')).toBe('install.yaml:2 (key components)');
    // 26.10 as YAML is the number 26.1; the release a person means is "26.10".
    expect(problemsOf('release: 26.10\n')).toContain('(got "26.10")');
    expect(parseConfigText('components: pipelines, katib\n', 'f').values.components).toEqual(['pipelines', 'katib']);
  });

  it('names the file, line, column and key of every problem at once', () => {
    const msg = problemsOf(
      [
        '# settings',
        'release: v2',
        'components:',
        '  - pipelines',
        '  - nope',
        'branch: "a..b"',
        'configure-argocd: maybe',
        'colour: blue',
      ].join('\n'),
    );
    expect(msg).toContain('--config install.yaml has 5 problems');
    expect(msg).toContain(
      'install.yaml:2:10: key release: must be one of v1.10.2, v1.11.0, 26.03 (default), 26.03.1-rc.2 (pre-release) (got "v2")',
    );
    expect(msg).toContain('install.yaml:5:5: key components: unknown component "nope"');
    expect(msg).toContain('install.yaml:6:9: key branch: is not a valid git branch name');
    expect(msg).toMatch(/install\.yaml:7:19: key configure-argocd: .* \(got "maybe"\)/);
    expect(msg).toMatch(/install\.yaml:8:1: key colour: unknown key; known keys: kubeconfig, context, /);
  });

  it('refuses secrets with where they belong instead', () => {
    expect(problemsOf('admin-password: hunter2hunter2\n')).toContain(
      'install.yaml:1:1: key admin-password: secrets never go in config files: use admin-password-file, or export KFG_ADMIN_PASSWORD',
    );
    expect(problemsOf('token: ghp_x\n')).toContain('secrets never go in config files');
  });

  it('reports YAML syntax errors and a document that is not a map with their position', () => {
    expect(problemsOf('release: [26.03\n')).toMatch(/install\.yaml is not valid YAML:\n {2}install\.yaml:2:1: /);
    expect(problemsOf('- release\n')).toContain('install.yaml:1:1: --config install.yaml must be a map of settings');
  });

  it('an empty file is no settings', () => {
    expect(parseConfigText('# nothing yet\n', 'f').values).toEqual({});
  });

  it('--save-config output reads back as the same settings, in a stable order, with how to use it', () => {
    const settings: Settings = {
      context: 'kind-kubeflow',
      target: 'kind',
      release: '26.03',
      components: ['all'],
      fork: 'https://git.example.com/me/kf.git',
      branch: 'kubeflow-gitops',
      adminEmail: 'me@example.org',
      configureArgocd: false,
      mirror: ['https://github.com/=file:///srv/mirror/'],
    };
    const text = renderConfigFile(settings);
    expect(text).toMatch(/^# kubeflow-gitops install settings, written by --save-config/);
    expect(text).toContain('kubeflow-gitops install --config <this file> --yes');
    expect(text).toContain('release: "26.03"');
    expect(parseConfigText(text, 'saved.yaml').values).toEqual(settings);
    expect(text.indexOf('context:')).toBeLessThan(text.indexOf('release:'));
    expect(renderConfigFile(settings)).toBe(text);
  });
});
