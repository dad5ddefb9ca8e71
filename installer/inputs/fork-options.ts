/**
 * Options shared by fork, plan and install: one schema, merged as defaults < config file < environment
 * < flags, with errors that name the flag (or the config key) to fix. Secrets are never options:
 * tokens and passwords come from the environment, a file, or a prompt.
 */
import { z } from 'zod';
import { BUNDLES, COMPONENTS } from '../catalogue/components.js';
import { NEWEST_RELEASE, RELEASES, type Release } from '../catalogue/releases.js';
import { parseComponentList } from '../catalogue/resolve-components.js';
import { TARGETS, TARGET_INFO, type Footprint, type Target } from '../catalogue/targets.js';
import { DEFAULT_BRANCH, DEFAULT_TOKEN_ENV, DEFAULT_UPSTREAM, GITHUB_TOKEN_ENV } from '../core/constants.js';
import { UserError } from '../core/errors.js';
import type { Mirror } from '../hermetic/vendor-remote-bases.js';
import { loginOptionsFrom, type LoginOptions } from './login-options.js';
import { EMAIL, REGISTRY, type SettingName, type Settings } from './settings.js';

export type { Mirror } from '../hermetic/vendor-remote-bases.js';

export type ForkSpec =
  | { readonly kind: 'git'; readonly url: string }
  | { readonly kind: 'local'; readonly path: string }
  | {
      readonly kind: 'github';
      readonly owner: string;
      readonly apiUrl: string;
      readonly repoName?: string | undefined;
    };

export interface ForkOptions {
  readonly upstream: string;
  readonly release: Release;
  readonly components: readonly string[];
  readonly target: Target;
  readonly footprint: Footprint;
  readonly fork: ForkSpec;
  readonly branch: string;
  readonly mirrors: readonly Mirror[];
  /** The URL Argo CD reads the fork from, when it differs from the push URL. */
  readonly argocdRepoUrl?: string | undefined;
  readonly sshKey?: string | undefined;
  readonly tokenEnv: string;
  readonly oidcIssuer?: string | undefined;
  readonly adminPasswordFile?: string | undefined;
  /** The Dex user's email; undefined keeps the fork's (user@example.com in a new fork). */
  readonly adminEmail?: string | undefined;
  /** Login and exposure; undefined when no such setting is given (the fork keeps what it has). */
  readonly login?: LoginOptions | undefined;
  /** `<host>[/prefix]`: every image is pulled from there (steps/ensure-registry-rewrites.ts). */
  readonly registry?: string | undefined;
  readonly yes: boolean;
  readonly output: 'text' | 'json';
}

/** Raw values as commander or a config file gives them (all optional, all strings or lists). */
export const rawForkOptionsSchema = z
  .object({
    upstream: z.string().optional(),
    release: z.string().optional(),
    components: z.union([z.string(), z.array(z.string())]).optional(),
    target: z.string().optional(),
    footprint: z.string().optional(),
    fork: z.string().optional(),
    githubFork: z.string().optional(),
    githubApiUrl: z.string().optional(),
    githubRepoName: z.string().optional(),
    branch: z.string().optional(),
    mirror: z.array(z.string()).optional(),
    argocdRepoUrl: z.string().optional(),
    sshKey: z.string().optional(),
    tokenEnv: z.string().optional(),
    oidcIssuer: z.string().optional(),
    adminPasswordFile: z.string().optional(),
    adminEmail: z.string().optional(),
    registry: z.string().optional(),
    yes: z.boolean().optional(),
    output: z.string().optional(),
  })
  .strict();
export type RawForkOptions = z.infer<typeof rawForkOptionsSchema>;

/** The fork options among the settings (the cluster ones are the install command's). */
export function rawForkOptionsFrom(
  s: Settings,
  run: { readonly yes: boolean; readonly output: string | undefined },
): RawForkOptions {
  // zod's optional() takes undefined: keys with no value simply stay unset.
  return {
    upstream: s.upstream,
    release: s.release,
    components: s.components,
    target: s.target,
    footprint: s.footprint,
    fork: s.fork,
    githubFork: s.githubFork,
    githubApiUrl: s.githubApiUrl,
    githubRepoName: s.githubRepoName,
    branch: s.branch,
    mirror: s.mirror,
    argocdRepoUrl: s.argocdRepoUrl,
    sshKey: s.sshKey,
    tokenEnv: s.tokenEnv,
    oidcIssuer: s.oidcIssuer,
    adminPasswordFile: s.adminPasswordFile,
    adminEmail: s.adminEmail,
    registry: s.registry,
    yes: run.yes,
    output: run.output,
  };
}

/** The fork options from merged settings: checked against the schema, then resolved. */
export function forkOptionsFrom(
  s: Settings,
  run: { readonly yes: boolean; readonly output: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): ForkOptions {
  const parsed = rawForkOptionsSchema.safeParse(rawForkOptionsFrom(s, run));
  if (!parsed.success)
    throw new UserError(
      `invalid options: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return { ...resolveForkOptions(parsed.data, env), login: loginOptionsFrom(s) };
}

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

/** upgrade and `plan --to`: the fork-location part of the settings, validated as fork validates them. */
export function upgradeForkOptionsFrom(
  s: Settings,
  run: { readonly yes: boolean; readonly output: string | undefined },
  to: Release | undefined,
): ForkOptions {
  const location = Object.fromEntries(LOCATION.map((k) => [k, s[k]]));
  return resolveForkOptions({ ...rawForkOptionsFrom(location, run), release: to });
}

const BRANCH = /^(?!\/|.*(?:\.\.|\/\/|@\{|\.lock$|[\s~^:?*[\\]))[\w./-]+$/;

export function resolveForkOptions(raw: RawForkOptions, env: NodeJS.ProcessEnv = process.env): ForkOptions {
  const problems: string[] = [];
  const fail = (msg: string): never => {
    throw new UserError(msg);
  };

  const release = raw.release ?? NEWEST_RELEASE;
  if (!(RELEASES as readonly string[]).includes(release))
    problems.push(`--release "${release}" is not supported; choose one of ${RELEASES.join(', ')}`);
  const target = raw.target ?? 'generic';
  if (!(TARGETS as readonly string[]).includes(target))
    problems.push(`--target "${target}" is unknown; choose one of ${TARGETS.join(', ')}`);
  const footprint =
    raw.footprint ??
    (TARGET_INFO[target as Target] as (typeof TARGET_INFO)[Target] | undefined)?.defaultFootprint ??
    'full';
  if (footprint !== 'small' && footprint !== 'full')
    problems.push(`--footprint "${footprint}" must be "small" or "full"`);
  const output = raw.output ?? 'text';
  if (output !== 'text' && output !== 'json') problems.push(`--output "${output}" must be "text" or "json"`);

  const components =
    typeof raw.components === 'string' ? parseComponentList(raw.components) : [...(raw.components ?? ['all'])];
  const known = new Set([...COMPONENTS.map((c) => c.name), ...Object.keys(BUNDLES), 'all']);
  const unknown = components.filter((c) => !known.has(c));
  if (unknown.length > 0)
    problems.push(
      `--components: unknown ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${[...known].sort().join(', ')}`,
    );

  const branch = raw.branch ?? DEFAULT_BRANCH;
  if (!BRANCH.test(branch)) problems.push(`--branch "${branch}" is not a valid git branch name`);

  const upstream = raw.upstream ?? DEFAULT_UPSTREAM;
  if (!isUrlOrPath(upstream)) problems.push(`--upstream "${upstream}" is not a git URL or path`);

  const mirrors: Mirror[] = [];
  for (const m of raw.mirror ?? []) {
    const i = m.indexOf('=');
    const from = m.slice(0, i);
    const to = m.slice(i + 1);
    if (i <= 0 || !/^https?:\/\//.test(from) || !/^(https?|file):\/\//.test(to)) {
      problems.push(
        `--mirror "${m}" must be <from>=<to> with an http(s) prefix on the left and an http(s) or file:// prefix on the right`,
      );
    } else {
      mirrors.push({ from, to });
    }
  }

  let fork: ForkSpec | undefined;
  if (raw.fork !== undefined && raw.githubFork !== undefined)
    problems.push('--fork and --github-fork are alternatives: give one');
  else if (raw.githubFork !== undefined) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(raw.githubFork))
      problems.push(`--github-fork "${raw.githubFork}" is not a GitHub user or organisation name`);
    fork = {
      kind: 'github',
      owner: raw.githubFork,
      apiUrl: raw.githubApiUrl ?? env.GITHUB_API_URL ?? 'https://api.github.com',
      repoName: raw.githubRepoName,
    };
  } else if (raw.fork !== undefined) {
    if (/^(https?|ssh|git|file):\/\//.test(raw.fork) || /^[\w.-]+@[\w.-]+:/.test(raw.fork)) {
      if (/^https?:\/\/[^/]*@/.test(raw.fork))
        problems.push('--fork must not contain credentials; put the token in the environment (see --token-env)');
      fork = { kind: 'git', url: raw.fork };
    } else {
      fork = { kind: 'local', path: raw.fork };
    }
  } else {
    problems.push(
      'where should the fork live? pass --fork <git-url-or-path> or --github-fork <owner> (config key fork or github-fork; KFG_FORK or KFG_GITHUB_FORK)',
    );
  }

  if (raw.adminEmail !== undefined && !EMAIL.test(raw.adminEmail))
    problems.push(`--admin-email "${raw.adminEmail}" is not an email address`);

  if (raw.registry !== undefined && !REGISTRY.test(raw.registry))
    problems.push(`--registry "${raw.registry}" must be <host>[:port][/prefix], e.g. registry.example.com/kf`);

  if (problems.length > 0) fail(problems.join('\n'));
  return {
    upstream,
    release: release as Release,
    components,
    target: target as Target,
    footprint: footprint as Footprint,
    fork: fork as ForkSpec,
    branch,
    mirrors,
    argocdRepoUrl: raw.argocdRepoUrl,
    sshKey: raw.sshKey,
    tokenEnv: raw.tokenEnv ?? (fork?.kind === 'github' ? GITHUB_TOKEN_ENV : DEFAULT_TOKEN_ENV),
    oidcIssuer: raw.oidcIssuer,
    adminPasswordFile: raw.adminPasswordFile,
    adminEmail: raw.adminEmail,
    registry: raw.registry,
    yes: raw.yes ?? false,
    output: output as 'text' | 'json',
  };
}

function isUrlOrPath(value: string): boolean {
  return (
    /^(https?|ssh|git|file):\/\//.test(value) ||
    /^[\w.-]+@[\w.-]+:/.test(value) ||
    value.startsWith('/') ||
    value.startsWith('.')
  );
}
