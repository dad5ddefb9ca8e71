/**
 * Builds the cluster's Go binaries from the module proxy through the wrapper modules in
 * test/local-cluster/go/<module>. A stamp per binary (version + hash of the wrapper's go.mod, go.sum and
 * sources + Go version) makes a warm `up` skip the build entirely; GOCACHE makes a stamp miss cheap.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
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
import { join } from 'node:path';
import { KUBERNETES_BUILD_DATE, VERSIONS, binDir, cacheDir, goModulesDir } from './config.js';
import { ToolMissingError } from './errors.js';
import { runLogged } from './processes.js';

interface Target {
  /** Binary file name in the bin dir. */
  name: string;
  module: 'etcd' | 'k8s' | 'kwok' | 'argocd' | 'kustomize';
  pkg: string;
  version: string;
  ldflags: string;
  /** Extra files derived from the build (links, data copied out of the module cache). */
  after?: (bin: string) => void;
  /** Extra `go build` flags, prepared just before building. */
  prepare?: () => string[];
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

/** The trimmed Argo CD main dispatches on argv[0]; git-ask-pass is re-executed as plain `argocd`. */
function linkArgocd(bin: string): void {
  for (const name of ['argocd-application-controller', 'argocd-repo-server']) {
    rmSync(join(bin, name), { force: true });
    symlinkSync('argocd', join(bin, name));
  }
}

/**
 * The published argo-cd v3.2.12 module does not compile: controller/cache/info.go calls
 * settings.ValidateExternalURL, which util/settings only defines unexported. `go build -overlay` refuses
 * files under GOMODCACHE, so the build uses a copy of the module (outside the repo, in the cache dir)
 * plus one shim file from go/argocd/overlay, wired in by an alternate go.mod (-modfile). The committed
 * go.mod stays the plain dependency on the published tag.
 */
function argocdPatchedModule(): string[] {
  const mod = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', `github.com/argoproj/argo-cd/v3@${VERSIONS.argocd}`], {
      cwd: join(goModulesDir, 'argocd'),
      encoding: 'utf8',
    }),
  ) as { Dir: string };
  const srcRoot = join(cacheDir(), 'src');
  const src = join(srcRoot, `argo-cd-${VERSIONS.argocd}`);
  const shim = join(goModulesDir, 'argocd', 'overlay', 'settings_export.go.in');
  rmSync(src, { recursive: true, force: true });
  mkdirSync(srcRoot, { recursive: true });
  cpSync(mod.Dir, src, { recursive: true });
  execFileSync('chmod', ['-R', 'u+w', src]);
  cpSync(shim, join(src, 'util', 'settings', 'zz_kfg_settings_export.go'));
  const modfile = join(srcRoot, 'argocd-build.mod');
  writeFileSync(
    modfile,
    `${readFileSync(join(goModulesDir, 'argocd', 'go.mod'), 'utf8')}\nreplace github.com/argoproj/argo-cd/v3 => ${src}\n`,
  );
  cpSync(join(goModulesDir, 'argocd', 'go.sum'), join(srcRoot, 'argocd-build.sum'));
  return [`-modfile=${modfile}`];
}

export const TARGETS: Target[] = [
  { name: 'etcd', module: 'etcd', pkg: 'go.etcd.io/etcd/server/v3', version: VERSIONS.etcd, ldflags: '-s -w' },
  {
    name: 'kube-apiserver',
    module: 'k8s',
    pkg: 'k8s.io/kubernetes/cmd/kube-apiserver',
    version: VERSIONS.kubernetes,
    ldflags: k8sLdflags(),
  },
  {
    name: 'kube-controller-manager',
    module: 'k8s',
    pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager',
    version: VERSIONS.kubernetes,
    ldflags: k8sLdflags(),
  },
  {
    name: 'kube-scheduler',
    module: 'k8s',
    pkg: 'k8s.io/kubernetes/cmd/kube-scheduler',
    version: VERSIONS.kubernetes,
    ldflags: k8sLdflags(),
  },
  {
    name: 'kwok',
    module: 'kwok',
    pkg: 'sigs.k8s.io/kwok/cmd/kwok',
    version: VERSIONS.kwok,
    ldflags: '-s -w',
    after: copyKwokStages,
  },
  {
    name: 'argocd',
    module: 'argocd',
    pkg: '.',
    version: VERSIONS.argocd,
    ldflags: '-s -w',
    after: linkArgocd,
    prepare: argocdPatchedModule,
  },
  {
    name: 'kustomize',
    module: 'kustomize',
    pkg: 'sigs.k8s.io/kustomize/kustomize/v5',
    version: VERSIONS.kustomize,
    ldflags: '-s -w',
  },
];

function stampFor(t: Target, goVersion: string): string {
  const h = createHash('sha256');
  const dir = join(goModulesDir, t.module);
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    if (statSync(join(dir, f)).isFile()) h.update(f).update(readFileSync(join(dir, f)));
  }
  h.update(t.pkg).update(t.ldflags).update(goVersion);
  return JSON.stringify({ version: t.version, go: goVersion, inputs: h.digest('hex') });
}

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

/** Builds every binary whose stamp is stale; prints per-binary seconds. */
export async function buildAll(log: (msg: string) => void = console.log): Promise<BuildReport> {
  const bin = binDir();
  const stamps = join(bin, '.stamps');
  const logs = join(cacheDir(), 'build-logs');
  mkdirSync(stamps, { recursive: true });
  mkdirSync(logs, { recursive: true });
  const report: BuildReport = { built: [], cached: [] };
  let goVersion: string | undefined;
  for (const t of TARGETS) {
    const stampFile = join(stamps, `${t.name}.json`);
    if (goVersion === undefined) {
      if (!goAvailable()) throw new ToolMissingError('go', 'install Go >= 1.26 to build the local cluster');
      goVersion = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
    }
    const stamp = stampFor(t, goVersion);
    if (existsSync(join(bin, t.name)) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
      report.cached.push(t.name);
      continue;
    }
    const started = Date.now();
    log(`building ${t.name} ${t.version} (log: ${join(logs, `${t.name}.log`)})`);
    const extra = t.prepare?.() ?? [];
    await runLogged(
      `build ${t.name}`,
      'go',
      ['build', ...extra, '-trimpath', '-ldflags', t.ldflags, '-o', join(bin, t.name), t.pkg],
      {
        cwd: join(goModulesDir, t.module),
        env: { ...process.env, CGO_ENABLED: '0' },
        log: join(logs, `${t.name}.log`),
      },
    );
    t.after?.(bin);
    writeFileSync(stampFile, stamp);
    const seconds = Math.round((Date.now() - started) / 1000);
    report.built.push({ name: t.name, seconds });
    log(`built ${t.name} in ${seconds}s`);
  }
  return report;
}
