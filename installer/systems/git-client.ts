/**
 * The one way this tool starts git: simple-git instances with a clean environment, credentials
 * outside argv and .git/config, a timeout, and an abort signal that kills a running git (Ctrl-C).
 * The git system (git.ts) and the remote kustomize sources (remote-sources.ts) both use it.
 */
import { simpleGit, type SimpleGit } from 'simple-git';

export interface GitAuth {
  /** HTTPS token for the fork, and the env variable or prompt it came from (for error messages). */
  readonly token?: { readonly value: string; readonly source: string } | undefined;
  /** Private key for SSH remotes. */
  readonly sshKeyPath?: string | undefined;
  /** Where a token would have come from, to name it when none was given. */
  readonly tokenHint?: string | undefined;
}

export interface GitClientOptions {
  /** Working directory; it must exist. */
  readonly dir: string;
  /** Credentials, sent only to `url`. */
  readonly auth?: GitAuth | undefined;
  /** The remote an HTTPS token is scoped to. */
  readonly url?: string | undefined;
  /** Aborted when the run is interrupted: a running git is killed (SIGINT), the next one refused. */
  readonly signal?: AbortSignal | undefined;
  /** Kill a git that writes nothing for this long. Default 5 minutes. */
  readonly silenceTimeoutMs?: number | undefined;
  /**
   * No credential source that can wait on a person: askpass programs (core.askPass included) and
   * Git Credential Manager's dialogs are switched off, not only the terminal prompt.
   */
  readonly anonymous?: boolean | undefined;
  /** Output as git wrote it (blobs), instead of trimmed. */
  readonly verbatim?: boolean | undefined;
}

const IDENTITY = ['user.name=kubeflow-gitops', 'user.email=kubeflow-gitops@users.noreply.localhost'];
// simple-git 4 strips (or refuses) GIT_* and a few other variables; pass a clean base environment.
const GUARDED = /^(git_.*|editor|visual|pager|prefix|ssh_askpass)$/i;

function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !GUARDED.test(k)) env[k] = v;
  return env;
}

/** The Authorization: Basic value git sends for a token (the user name is ignored by git hosts). */
function basicCredentials(token: string): string {
  return Buffer.from(`x-access-token:${token}`).toString('base64');
}

/**
 * Every spelling of a token this module puts on the wire, so that a server echoing any of them
 * (e.g. "access denied for credentials <base64>") cannot get it printed: raw, URL-encoded, and the
 * base64 basic-auth pair (with and without padding, since servers trim it).
 */
export function tokenForms(token: string): string[] {
  const basic = basicCredentials(token);
  return [...new Set([token, encodeURIComponent(token), basic, basic.replace(/=+$/, '')])];
}

/** The URL prefix an HTTPS token is scoped to: scheme, host and path of the fork. */
function scopeOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/**
 * A simple-git instance for one piece of work. An HTTPS token travels as an `http.<url>.extraHeader`
 * set through GIT_CONFIG_* environment variables and scoped to `url` (so no other host sees it); an
 * SSH key through GIT_SSH_COMMAND.
 */
export function gitClient(o: GitClientOptions): SimpleGit {
  const env: Record<string, string> = { ...baseEnv(), GIT_TERMINAL_PROMPT: '0' };
  const allowEnvironment = ['GIT_TERMINAL_PROMPT'];
  const unsafe: Record<string, boolean> = {};
  if (o.auth?.token && o.url && /^https?:/.test(o.url)) {
    const basic = basicCredentials(o.auth.token.value);
    Object.assign(env, {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: `http.${scopeOf(o.url)}.extraHeader`,
      GIT_CONFIG_VALUE_0: `Authorization: Basic ${basic}`,
    });
    allowEnvironment.push('GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0');
    unsafe.allowUnsafeConfigEnvCount = true;
  }
  if (o.auth?.sshKeyPath) {
    env.GIT_SSH_COMMAND = `ssh -i '${o.auth.sshKeyPath.replaceAll("'", "'\\''")}' -o IdentitiesOnly=yes -o BatchMode=yes`;
    allowEnvironment.push('GIT_SSH_COMMAND');
    unsafe.allowUnsafeSshCommand = true;
  }
  if (o.anonymous) {
    // Empty askpass variables stop git from falling back to core.askPass or SSH_ASKPASS; simple-git
    // counts any askpass as unsafe, so the empty values need its opt-in.
    Object.assign(env, { GIT_ASKPASS: '', SSH_ASKPASS: '', GCM_INTERACTIVE: 'never' });
    allowEnvironment.push('GIT_ASKPASS', 'SSH_ASKPASS');
    unsafe.allowUnsafeAskPass = true;
  }
  return simpleGit({
    baseDir: o.dir,
    config: IDENTITY,
    allowEnvironment,
    unsafe,
    trimmed: !o.verbatim,
    timeout: { block: o.silenceTimeoutMs ?? 300_000 },
    ...(o.signal ? { abort: o.signal } : {}),
  }).env(env);
}
