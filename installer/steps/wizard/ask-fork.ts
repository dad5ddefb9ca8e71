/**
 * Question 5: where the fork lives (a GitHub fork made through the API, an existing git remote over
 * HTTPS with a token or SSH with a key, or a local path) and the branch Argo CD follows. A remote is
 * checked with `git ls-remote` at the question, so a wrong URL, token or key is caught here.
 */
import { join } from 'node:path';
import type { Target } from '../../catalogue/targets.js';
import { DEFAULT_BRANCH, DEFAULT_TOKEN_ENV } from '../../core/constants.js';
import type { MergedSettings } from '../../inputs/merge-settings.js';
import { SETTING_BY_NAME, type Settings } from '../../inputs/settings.js';
import type { Prompter } from '../../systems/prompter.js';
import { givenNote, type WizardFacts, type WizardSecrets } from './facts.js';

type ForkKind = 'github' | 'remote' | 'local';

const isRemoteUrl = (v: string) => /^(https?|ssh|git|file):\/\//.test(v) || /^[\w.-]+@[\w.-]+:/.test(v);
const isHttps = (v: string) => /^https?:\/\//.test(v);
const valid =
  (name: keyof Settings) =>
  (v: string): true | string => {
    const r = SETTING_BY_NAME.get(name)?.schema.safeParse(v);
    return r === undefined || r.success ? true : (r.error.issues[0]?.message ?? 'invalid');
  };

export async function askFork(
  given: MergedSettings,
  facts: WizardFacts,
  p: Prompter,
  secrets: WizardSecrets,
  target: Target,
): Promise<Settings> {
  const out: Settings = {};
  const g = given.values;
  let kind: ForkKind | undefined =
    g.githubFork !== undefined ? 'github' : g.fork === undefined ? undefined : isRemoteUrl(g.fork) ? 'remote' : 'local';
  if (kind !== undefined) p.note(givenNote(given, kind === 'github' ? 'githubFork' : 'fork', 'Fork'));
  kind ??= await p.select<ForkKind>(
    'Where should your fork of the Kubeflow manifests live? (Argo CD syncs from it; you own it)',
    [
      {
        value: 'github',
        short: 'GitHub fork',
        name: 'a GitHub fork, created through the API',
        description: 'needs a token with "repo" scope (GITHUB_TOKEN, or typed hidden)',
      },
      {
        value: 'remote',
        short: 'existing git repository',
        name: 'an existing git repository (HTTPS with a token, or SSH with a key)',
        description: 'an empty repository is fine; it is checked with git ls-remote now',
      },
      {
        value: 'local',
        short: 'local path',
        name: 'a local path (air-gapped; Argo CD reads it with file://)',
        description:
          target === 'local'
            ? 'created as a bare repository if missing'
            : `created as a bare repository if missing; Argo CD in ${target} needs another URL to read it from`,
      },
    ],
    facts.env.GITHUB_TOKEN ? 'github' : 'remote',
  );

  if (kind === 'github') {
    out.githubFork =
      g.githubFork ?? (await p.text('GitHub user or organisation to fork into', { validate: valid('githubFork') }));
    const tokenEnv = g.tokenEnv ?? 'GITHUB_TOKEN';
    if (facts.env[tokenEnv]) p.note(`✔ GitHub token: from ${tokenEnv}`);
    else secrets.gitToken = await p.secret(`GitHub token with "repo" scope (input hidden; or export ${tokenEnv})`);
  } else if (kind === 'remote') {
    await askRemote(given, facts, p, secrets, out);
  } else {
    out.fork =
      g.fork ??
      (await p.text('Local path of the fork (a bare repository is created if missing)', {
        default: './kubeflow-manifests.git',
        validate: (v) =>
          facts.pathKind(v) === 'other'
            ? `${v} exists and is not a git repository; give an empty or missing path, or a repository`
            : true,
      }));
    // Only the local target's Argo CD runs on this machine and reads the path itself (see inputs/argocd-reach.ts).
    if (target !== 'local' && g.argocdRepoUrl === undefined)
      out.argocdRepoUrl = await p.text(
        `URL Argo CD in the ${target} cluster reads this repository from (it cannot read a local path; --argocd-repo-url)`,
        { validate: (v) => (isRemoteUrl(v) ? true : 'give an https://, ssh:// or git@host:path URL') },
      );
  }

  if (g.branch !== undefined) p.note(givenNote(given, 'branch', 'Branch'));
  out.branch =
    g.branch ??
    (await p.text('Branch Argo CD follows in the fork', { default: DEFAULT_BRANCH, validate: valid('branch') }));
  return out;
}

/** URL, credential, then ls-remote; on failure the person sees why and answers again. */
async function askRemote(
  given: MergedSettings,
  facts: WizardFacts,
  p: Prompter,
  secrets: WizardSecrets,
  out: Settings,
): Promise<void> {
  const g = given.values;
  const tokenEnv = g.tokenEnv ?? DEFAULT_TOKEN_ENV;
  let url = g.fork;
  let sshKey = g.sshKey;
  for (;;) {
    url =
      g.fork ??
      (await p.text('Git URL of the fork (https://… or git@host:owner/repo.git)', {
        ...(url !== undefined ? { default: url } : {}),
        validate: (v) => (!isRemoteUrl(v) ? 'give an https://, ssh:// or git@host:path URL' : valid('fork')(v)),
      }));
    let token: string | undefined;
    if (isHttps(url) && g.sshKey === undefined) {
      token = facts.env[tokenEnv];
      if (token) p.note(`✔ Token: from ${tokenEnv}`);
      else
        token = secrets.gitToken = await p.secret(
          `Token for ${new URL(url).host} (input hidden; or export ${tokenEnv})`,
        );
    } else if (!isHttps(url)) {
      const def =
        sshKey ?? ['id_ed25519', 'id_rsa'].map((f) => join(facts.homeDir, '.ssh', f)).find((f) => facts.fileExists(f));
      sshKey =
        g.sshKey ??
        (await p.text('SSH private key for the fork', {
          ...(def !== undefined ? { default: def } : {}),
          validate: (v) => (facts.fileExists(v) ? true : `${v} does not exist`),
        }));
    }
    try {
      await facts.probeRemote(url, {
        token: token ? { value: token, source: facts.env[tokenEnv] ? tokenEnv : 'the prompt' } : undefined,
        sshKeyPath: sshKey,
        tokenHint: tokenEnv,
      });
      p.note(`  ✔ ${url} answers (git ls-remote)`);
      out.fork = url;
      if (sshKey !== undefined && g.sshKey === undefined) out.sshKey = sshKey;
      return;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      // A URL and credential that both came from flags, config or the environment cannot be re-asked.
      if (g.fork !== undefined && (token === undefined || token === facts.env[tokenEnv]) && g.sshKey === sshKey)
        throw err;
      p.note(`✗ ${why}`);
      secrets.gitToken = undefined;
    }
  }
}
