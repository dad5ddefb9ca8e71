import { describe, expect, it } from 'vitest';
import { UserError } from '../../../../installer/core/errors.js';
import { askFork } from '../../../../installer/steps/wizard/ask-fork.js';
import type { WizardSecrets } from '../../../../installer/steps/wizard/facts.js';
import { accept, answer, choose, scriptedPrompter } from '../../../support/inquirer-script.js';
import { fakeFacts, given } from './facts.js';

const URL = 'https://git.example.com/me/kubeflow.git';

describe('question 5: where the fork lives', () => {
  it('an existing HTTPS remote: URL, a masked token, checked with ls-remote, then the branch', async () => {
    const s = scriptedPrompter([
      accept(/Where should your fork .* live\?[\s\S]*❯ an existing git repository/),
      answer(/Git URL of the fork/, URL),
      {
        ask: /Token for git\.example\.com \(input hidden; or export KFG_GIT_TOKEN\)/,
        act: (ui) => {
          ui.type('s3cret-token');
          expect(ui.screen()).not.toContain('s3cret');
          ui.press('enter');
        },
      },
      accept(/Branch Argo CD follows in the fork \(kubeflow-gitops\)/),
    ]);
    const secrets: WizardSecrets = {};
    const facts = fakeFacts();
    expect(await askFork(given(), facts, s.prompter, secrets, 'kind')).toEqual({
      fork: URL,
      branch: 'kubeflow-gitops',
    });
    expect(secrets.gitToken).toBe('s3cret-token');
    expect(facts.probed).toEqual([URL]);
    expect(s.notes).toContain(`  ✔ ${URL} answers (git ls-remote)`);
    expect(s.screens.join('\n')).not.toContain('s3cret');
  });

  it('an unreachable remote is caught at the question: the reason, then URL and token again', async () => {
    let calls = 0;
    const facts = fakeFacts({
      env: { KFG_GIT_TOKEN: 'from-env' },
      probeRemote: (url) =>
        ++calls === 1
          ? Promise.reject(new UserError(`git ls-remote ${url} failed: Could not resolve host`))
          : Promise.resolve(),
    });
    const s = scriptedPrompter([
      accept(/Where should your fork/),
      answer(/Git URL/, 'https://gitt.example.com/me/kf.git'),
      // Asked again with the last answer as the default, to correct it.
      answer(
        /Git URL of the fork .*\(https:\/\/gitt\.example\.com\/me\/kf\.git\)/,
        'https://git.example.com/me/kf.git',
      ),
      accept(/Branch/),
    ]);
    const out = await askFork(given(), facts, s.prompter, {}, 'kind');
    expect(out.fork).toBe('https://git.example.com/me/kf.git');
    expect(s.notes).toContain('✗ git ls-remote https://gitt.example.com/me/kf.git failed: Could not resolve host');
    expect(s.notes.filter((n) => n === '✔ Token: from KFG_GIT_TOKEN')).toHaveLength(2);
  });

  it('a URL with credentials in it is refused at the question', async () => {
    const s = scriptedPrompter([
      accept(/Where should your fork/),
      {
        ask: /Git URL/,
        act: async (ui) => {
          ui.type('https://me:pw@git.example.com/x.git');
          ui.press('enter');
          await ui.settle();
          expect(ui.screen()).toContain('must not contain credentials');
          for (let i = 0; i < 40; i++) ui.press('backspace');
          ui.type('git@git.example.com:me/x.git');
          ui.press('enter');
        },
      },
      answer(/SSH private key for the fork \(\/home\/me\/\.ssh\/id_ed25519\)/, ''),
      accept(/Branch/),
    ]);
    const facts = fakeFacts({ fileExists: (p) => p === '/home/me/.ssh/id_ed25519' });
    expect(await askFork(given(), facts, s.prompter, {}, 'kind')).toEqual({
      fork: 'git@git.example.com:me/x.git',
      sshKey: '/home/me/.ssh/id_ed25519',
      branch: 'kubeflow-gitops',
    });
  });

  it('a GitHub fork: the default when GITHUB_TOKEN is set, owner asked, token taken from the environment', async () => {
    const s = scriptedPrompter([
      accept(/Where should your fork[\s\S]*❯ a GitHub fork/),
      answer(/GitHub user or organisation/, 'octo'),
      answer(/Branch/, 'kf'),
    ]);
    const secrets: WizardSecrets = {};
    expect(await askFork(given(), fakeFacts({ env: { GITHUB_TOKEN: 'ghp_x' } }), s.prompter, secrets, 'kind')).toEqual({
      githubFork: 'octo',
      branch: 'kf',
    });
    expect(s.notes).toContain('✔ GitHub token: from GITHUB_TOKEN');
    expect(secrets).toEqual({});
  });

  it('a local path must be missing or a repository; a bad branch name is refused', async () => {
    const s = scriptedPrompter([
      choose(/Where should your fork/, 1),
      {
        ask: /Local path of the fork/,
        act: async (ui) => {
          ui.type('/etc/passwd');
          ui.press('enter');
          await ui.settle();
          expect(ui.screen()).toContain('/etc/passwd exists and is not a git repository');
          for (let i = 0; i < 11; i++) ui.press('backspace');
          ui.type('/srv/kf.git');
          ui.press('enter');
        },
      },
      {
        ask: /Branch/,
        act: async (ui) => {
          ui.type('a..b');
          ui.press('enter');
          await ui.settle();
          expect(ui.screen()).toContain('is not a valid git branch name');
          for (let i = 0; i < 4; i++) ui.press('backspace');
          ui.press('enter');
        },
      },
    ]);
    const facts = fakeFacts({ pathKind: (p) => (p === '/etc/passwd' ? 'other' : 'missing') });
    // The local target's Argo CD reads the path itself: nothing more to ask.
    expect(await askFork(given(), facts, s.prompter, {}, 'local')).toEqual({
      fork: '/srv/kf.git',
      branch: 'kubeflow-gitops',
    });
  });

  it('a local path on another target: asks for the URL Argo CD reads it from (--argocd-repo-url)', async () => {
    const s = scriptedPrompter([
      choose(/Where should your fork/, 1),
      answer(/Local path of the fork/, '/srv/kf.git'),
      {
        ask: /URL Argo CD in the kind cluster reads this repository from .*--argocd-repo-url/,
        act: async (ui) => {
          ui.type('/srv/kf.git');
          ui.press('enter');
          await ui.settle();
          expect(ui.screen()).toContain('give an https://, ssh:// or git@host:path URL');
          for (let i = 0; i < 11; i++) ui.press('backspace');
          ui.type('https://git.example.com/me/kf.git');
          ui.press('enter');
        },
      },
      accept(/Branch/),
    ]);
    const facts = fakeFacts({ pathKind: () => 'missing' });
    expect(await askFork(given(), facts, s.prompter, {}, 'kind')).toEqual({
      fork: '/srv/kf.git',
      argocdRepoUrl: 'https://git.example.com/me/kf.git',
      branch: 'kubeflow-gitops',
    });
  });

  it('a given fork and branch are not asked; only the missing token is', async () => {
    const s = scriptedPrompter([answer(/Token for git\.example\.com/, 'typed')]);
    const secrets: WizardSecrets = {};
    expect(await askFork(given({ fork: URL, branch: 'main' }), fakeFacts(), s.prompter, secrets, 'kind')).toEqual({
      fork: URL,
      branch: 'main',
    });
    expect(s.notes[0]).toBe(`✔ Fork: ${URL} (from install.yaml:1 (key fork))`);
    expect(secrets.gitToken).toBe('typed');
  });
});
