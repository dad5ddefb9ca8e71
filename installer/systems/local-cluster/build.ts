/**
 * Builds the cluster's Go binaries from the module proxy through the wrapper modules in
 * go/<module> beside this file (Argo CD: go/argocd/<version>). A stamp per binary (version + hash of
 * its inputs + Go version) makes a warm `up` skip the build entirely; GOCACHE makes a stamp miss cheap.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { lock } from 'proper-lockfile';
import {
  ARGOCD_VERSIONS,
  KUBERNETES_BUILD_DATE,
  VERSIONS,
  argocdBinDir,
  binDir,
  cacheDir,
  goModulesDir,
  upstreamDataDir,
  type ArgocdVersion,
} from './config.js';
import { LocalClusterError, ToolMissingError } from './errors.js';
import { runLogged } from './processes.js';

export interface Target {
  /** Binary file name in `bin`. */
  name: string;
  /** Folder the binary goes to. */
  bin: string;
  pkg: string;
  version: string;
  ldflags: string;
  /** Files whose content decides whether the binary is current (hashed into its stamp). */
  inputs: string[];
  /** The module folder to run `go build` in, prepared just before building. */
  dir: () => string;
  /** Extra files derived from the build (links, data copied out of the module cache); idempotent, run on every `up`. */
  after?: (bin: string) => void;
  /** Environment of this build only (GOTOOLCHAIN for a line that needs a newer Go). */
  env?: Record<string, string>;
}

function k8sLdflags(): string {
  const v = VERSIONS.kubernetes;
  const minor = v.split('.')[1] ?? '';
  // Without these the apiserver reports v0.0.0-master, which breaks kubeVersion checks in Helm/Argo CD.
  const parts = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((p) => [
    `-X ${p}.gitVersion=${v}`,
    `-X ${p}.gitMajor=1`,
    `-X ${p}.gitMinor=${minor}`,
    `-X ${p}.gitTreeState=clean`,
    `-X ${p}.buildDate=${KUBERNETES_BUILD_DATE}`,
  ]);
  return ['-s -w', ...parts].join(' ');
}

function goEnv(key: string): string {
  return execFileSync('go', ['env', key], { encoding: 'utf8' }).trim();
}

/** kwok ships its stage definitions in the module; the default node/pod lifecycle is these five. */
function copyKwokStages(bin: string): void {
  const root = join(goEnv('GOMODCACHE'), `sigs.k8s.io/kwok@${VERSIONS.kwok}`, 'kustomize', 'stage');
  const files = [
    'node/fast/node-initialize.yaml',
    'node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
    'pod/fast/pod-ready.yaml',
    'pod/fast/pod-complete.yaml',
    'pod/fast/pod-delete.yaml',
  ];
  writeFileSync(join(bin, 'kwok-stages.yaml'), files.map((f) => readFileSync(join(root, f), 'utf8')).join('\n---\n'));
}

/**
 * What each Argo CD line's build needs beyond its wrapper module. From v3.6 Argo CD needs Go 1.27: the
 * go command fetches that toolchain from the module proxy (about 10 s, once). Up to v3.5 argo-cd's
 * go.mod replaces its nested gitops-engine module with `./gitops-engine`, a module the proxy does not
 * serve and no module zip contains, so the source of that tag comes from the test fixtures; from v3.6
 * the proxy serves github.com/argoproj/argo-cd/gitops-engine/v3 at the same tag and the wrapper's
 * go.mod (argo's replace block minus that line) needs nothing else.
 */
const ARGOCD_BUILDS: Record<ArgocdVersion, { toolchain?: string; engineSource: boolean }> = {
  'v3.6.2': { toolchain: 'go1.27.3', engineSource: false },
  'v3.5.1': { engineSource: true },
  'v3.4.7': { engineSource: true },
};

/**
 * Argo CD's module at `version` as its build downloaded it into the module cache: the source of its
 * manifests (CRDs, config, workloads) and of git-verify-wrapper.sh. Downloaded again if the module
 * cache was cleaned since the build.
 */
export function argocdModuleDir(version: ArgocdVersion): string {
  const module = `github.com/argoproj/argo-cd/v3@${version}`;
  const dir = join(goEnv('GOMODCACHE'), module);
  if (!existsSync(join(dir, 'go.mod'))) {
    // `go mod download` refuses a module that needs a newer Go than the one running it.
    const toolchain = ARGOCD_BUILDS[version].toolchain;
    const env = { ...process.env, ...(toolchain !== undefined ? { GOTOOLCHAIN: toolchain } : {}) };
    execFileSync('go', ['mod', 'download', module], { cwd: cacheDir(), env, stdio: 'pipe' });
  }
  return dir;
}

/**
 * The trimmed Argo CD main dispatches on argv[0]; git-ask-pass is re-executed as plain `argocd`. From
 * v3.5 the repo-server runs git-verify-wrapper.sh for every revision it renders (Argo CD's image has it
 * in /usr/local/bin), so the script comes from the module at that tag to the same folder.
 */
function installArgocd(version: ArgocdVersion, bin: string): void {
  for (const name of ['argocd-application-controller', 'argocd-repo-server']) {
    rmSync(join(bin, name), { force: true });
    symlinkSync('argocd', join(bin, name));
  }
  cpSync(join(argocdModuleDir(version), 'hack', 'git-verify-wrapper.sh'), join(bin, 'git-verify-wrapper.sh'));
  chmodSync(join(bin, 'git-verify-wrapper.sh'), 0o755);
}

function gitopsEngineTarball(version: ArgocdVersion): string {
  const data = upstreamDataDir();
  const file = join(data ?? '', 'src', `argo-cd-${version}-gitops-engine.tar.gz`);
  if (data === undefined || !existsSync(file))
    throw new LocalClusterError(
      `building Argo CD ${version} needs the gitops-engine source of that tag, which the Go module proxy serves only from v3.6 on: set KFG_FIXTURES to a folder holding src/argo-cd-${version}-gitops-engine.tar.gz, or run the default ${ARGOCD_VERSIONS[0]} (unset KFG_ARGOCD_VERSION)`,
    );
  return file;
}

/**
 * The build happens in a folder of the cache dir: main.go and the committed go.mod/go.sum of that
 * version, and for a line whose nested gitops-engine module is not served (see ARGOCD_BUILDS) the
 * gitops-engine source of the same tag unpacked from the fixtures with the one replace line that points
 * at it. The module path comes from the unpacked go.mod (v3.3 still called it
 * github.com/argoproj/gitops-engine).
 */
function argocdBuildDir(version: ArgocdVersion): string {
  const dir = join(cacheDir(), 'src', `argocd-${version}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const committed = join(goModulesDir, 'argocd', version);
  let goMod = readFileSync(join(committed, 'go.mod'), 'utf8');
  if (ARGOCD_BUILDS[version].engineSource) {
    execFileSync('tar', ['-xzf', gitopsEngineTarball(version), '-C', dir]);
    const engineMod = readFileSync(join(dir, 'gitops-engine', 'go.mod'), 'utf8');
    const enginePath = /^module\s+(\S+)/m.exec(engineMod)?.[1];
    if (!enginePath) throw new Error(`no module line in the gitops-engine go.mod of Argo CD ${version}`);
    goMod = `${goMod}\nreplace ${enginePath} => ./gitops-engine\n`;
  }
  writeFileSync(join(dir, 'go.mod'), goMod);
  cpSync(join(committed, 'go.sum'), join(dir, 'go.sum'));
  cpSync(join(goModulesDir, 'argocd', 'main.go'), join(dir, 'main.go'));
  return dir;
}

function argocdTarget(version: ArgocdVersion): Target {
  const { toolchain, engineSource } = ARGOCD_BUILDS[version];
  return {
    name: 'argocd',
    bin: argocdBinDir(version),
    pkg: '.',
    version,
    ldflags: '-s -w',
    inputs: [
      join(goModulesDir, 'argocd', 'main.go'),
      join(goModulesDir, 'argocd', version, 'go.mod'),
      join(goModulesDir, 'argocd', version, 'go.sum'),
      ...(engineSource ? [gitopsEngineTarball(version)] : []),
    ],
    dir: () => argocdBuildDir(version),
    after: (bin) => {
      installArgocd(version, bin);
    },
    ...(toolchain !== undefined ? { env: { GOTOOLCHAIN: toolchain } } : {}),
  };
}

/** The module wrapper folders under go/ build in place; every file in them is an input. */
function wrapper(module: 'etcd' | 'k8s' | 'kwok' | 'kustomize'): Pick<Target, 'inputs' | 'dir'> {
  const dir = join(goModulesDir, module);
  const inputs = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
  return { inputs, dir: () => dir };
}

/** What `up` builds for one Argo CD version: the control plane, kwok, kustomize and that Argo CD. */
export function targets(version: ArgocdVersion): Target[] {
  const bin = binDir();
  const k8s = (name: string): Target => ({
    name,
    bin,
    ...wrapper('k8s'),
    pkg: `k8s.io/kubernetes/cmd/${name}`,
    version: VERSIONS.kubernetes,
    ldflags: k8sLdflags(),
  });
  return [
    {
      name: 'etcd',
      bin,
      ...wrapper('etcd'),
      pkg: 'go.etcd.io/etcd/server/v3',
      version: VERSIONS.etcd,
      ldflags: '-s -w',
    },
    k8s('kube-apiserver'),
    k8s('kube-controller-manager'),
    k8s('kube-scheduler'),
    {
      name: 'kwok',
      bin,
      ...wrapper('kwok'),
      pkg: 'sigs.k8s.io/kwok/cmd/kwok',
      version: VERSIONS.kwok,
      ldflags: '-s -w',
      after: copyKwokStages,
    },
    argocdTarget(version),
    {
      name: 'kustomize',
      bin,
      ...wrapper('kustomize'),
      pkg: 'sigs.k8s.io/kustomize/kustomize/v5',
      version: VERSIONS.kustomize,
      ldflags: '-s -w',
    },
  ];
}

/** A target with its own GOTOOLCHAIN is built by exactly that Go, whatever the one on PATH is. */
function stampFor(t: Target, localGo: string): string {
  const goVersion = t.env?.GOTOOLCHAIN ?? localGo;
  const h = createHash('sha256');
  for (const f of t.inputs) h.update(relative(goModulesDir, f)).update(readFileSync(f));
  h.update(t.pkg).update(t.ldflags).update(goVersion);
  return JSON.stringify({ version: t.version, go: goVersion, inputs: h.digest('hex') });
}

/**
 * What a cold build takes on a 2-core machine with an empty Go cache (modules downloaded), shown before
 * each build so a wait is expected. kube-apiserver varies most: 7 min on an idle machine, up to 19 when
 * the cores are shared. Argo CD v3.6.2 took 11 CPU-minutes (its own Go, so nothing cached is reused):
 * no less than 6 min on two cores.
 */
const EXPECTED: Record<string, string> = {
  etcd: 'about 2 min',
  'kube-apiserver': '10-19 min',
  'kube-controller-manager': 'about 5 min',
  'kube-scheduler': 'about 1 min',
  kwok: 'about 5 min',
  argocd: 'about 6 min',
  kustomize: 'about 1 min',
  'oauth2-proxy': 'about 3 min',
  mockoidc: 'under a minute',
};

export interface BuildReport {
  built: { name: string; seconds: number }[];
  cached: string[];
}

export function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Several processes (a test run's `up`, `npm run demo`, `local-cluster build`) may want the same
 * binaries, so one builds at a time. The holder refreshes the lock while it runs; a killed one's goes
 * stale after this long (generous: a holder busy on 2 shared cores may refresh late).
 */
const BUILD_LOCK_STALE_MS = 120_000;
/** The longest a build waits for another process's: a whole cold build with the cores shared. */
const BUILD_LOCK_WAIT_S = 45 * 60;

/**
 * Builds every binary of `version`'s set whose stamp is stale; prints per-binary seconds. One process
 * builds at a time (a lock in the cache folder): another waits, then finds the binaries fresh.
 */
export async function buildAll(version: ArgocdVersion, log: (msg: string) => void = console.log): Promise<BuildReport> {
  return buildTargets(targets(version), log);
}

/** Builds the stale ones of `list` under the build lock (the login proof's binaries use this too). */
export async function buildTargets(list: Target[], log: (msg: string) => void = console.log): Promise<BuildReport> {
  mkdirSync(cacheDir(), { recursive: true });
  const options = {
    realpath: false,
    lockfilePath: join(cacheDir(), 'build.lock'),
    stale: BUILD_LOCK_STALE_MS,
    // The default throws from a timer; a holder that lost its lock still finishes its build.
    onCompromised: (err: Error) => {
      log(`build lock lost: ${err.message}`);
    },
  };
  let release: () => Promise<void>;
  try {
    release = await lock(cacheDir(), { ...options, retries: 0 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    log(`waiting for the build another process runs (lock ${options.lockfilePath})`);
    release = await lock(cacheDir(), {
      ...options,
      retries: { retries: BUILD_LOCK_WAIT_S, factor: 1, minTimeout: 1000, maxTimeout: 1000 },
    });
  }
  try {
    return await buildStale(list, log);
  } finally {
    await release();
  }
}

async function buildStale(list: Target[], log: (msg: string) => void): Promise<BuildReport> {
  const logs = join(cacheDir(), 'build-logs');
  mkdirSync(logs, { recursive: true });
  const report: BuildReport = { built: [], cached: [] };
  let goVersion: string | undefined;
  for (const t of list) {
    const label = t.bin === binDir() ? t.name : `${t.name}-${t.version}`;
    const stamps = join(t.bin, '.stamps');
    const stampFile = join(stamps, `${t.name}.json`);
    if (goVersion === undefined) {
      if (!goAvailable()) throw new ToolMissingError('go', 'install Go >= 1.26 to build the local cluster');
      goVersion = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
    }
    const stamp = stampFor(t, goVersion);
    if (existsSync(join(t.bin, t.name)) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
      t.after?.(t.bin);
      report.cached.push(label);
      continue;
    }
    const started = Date.now();
    const logFile = join(logs, `${label}.log`);
    log(
      `building ${t.name} ${t.version}: ${EXPECTED[t.name] ?? 'a minute or two'} on a cold 2-core machine (log: ${logFile})`,
    );
    mkdirSync(stamps, { recursive: true });
    await runLogged(
      `build ${label}`,
      'go',
      ['build', '-trimpath', '-ldflags', t.ldflags, '-o', join(t.bin, t.name), t.pkg],
      {
        cwd: t.dir(),
        env: { ...process.env, CGO_ENABLED: '0', ...t.env },
        log: logFile,
      },
    );
    t.after?.(t.bin);
    writeFileSync(stampFile, stamp);
    const seconds = Math.round((Date.now() - started) / 1000);
    report.built.push({ name: label, seconds });
    log(`built ${label} in ${seconds}s`);
  }
  return report;
}
