/**
 * What the local cluster needs before it can build or start anything, checked without side effects:
 * Go (to build the binaries, from the module proxy, which also serves Argo CD's manifests), git and
 * redis-server (Argo CD's cache). `kubeflow-gitops demo` asks this first, so a missing tool stops it
 * before any build. Tools are looked up on the PATH of the given environment (no shell), so a test can
 * hand it a PATH.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The oldest Go the wrapper modules in go/ build with (their go.mod files say go 1.26). A line that needs
 * a newer one (Argo CD v3.6: Go 1.27) names it in GOTOOLCHAIN, and this go fetches it from the proxy.
 */
export const MIN_GO = { major: 1, minor: 26 } as const;

export interface Prerequisite {
  /** The tool that is missing, e.g. "redis-server". */
  readonly name: string;
  /** What to do about it, e.g. "apt-get install redis-server". */
  readonly install: string;
}

/** The executable `tool` resolves to on `path`, or undefined. */
export function findOnPath(tool: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, tool);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** "go1.26.8" -> true when at least MIN_GO. */
export function goIsRecent(version: string): boolean {
  const m = /^go(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > MIN_GO.major || (major === MIN_GO.major && minor >= MIN_GO.minor);
}

const GO_INSTALL = `Go >= ${MIN_GO.major}.${MIN_GO.minor} from https://go.dev/dl/ (put its bin/ on PATH)`;

/** Every missing prerequisite at once, in the order a person would install them. */
export function missingPrerequisites(env: NodeJS.ProcessEnv = process.env): Prerequisite[] {
  const missing: Prerequisite[] = [];
  const go = findOnPath('go', env.PATH);
  if (go === undefined) missing.push({ name: 'go', install: `install ${GO_INSTALL}` });
  else {
    const version = goVersion(go, env);
    if (!goIsRecent(version))
      missing.push({ name: `go (found ${version || 'an unknown version'})`, install: `install ${GO_INSTALL}` });
  }
  if (findOnPath('git', env.PATH) === undefined) missing.push({ name: 'git', install: 'apt-get install git' });
  if (findOnPath('redis-server', env.PATH) === undefined)
    missing.push({ name: 'redis-server', install: 'apt-get install redis-server (Argo CD keeps its cache in redis)' });
  return missing;
}

function goVersion(go: string, env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(go, ['env', 'GOVERSION'], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}
