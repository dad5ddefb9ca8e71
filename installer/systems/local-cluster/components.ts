/**
 * The processes of the local cluster, in start order, each with its real readiness check. Flags follow
 * kwokctl's binary runtime and Argo CD's own Procfile (see docs/local-cluster.md).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { packageRoot, type ArgocdVersion, type Ports, type StatePaths } from './config.js';
import type { ManagedSpec } from './processes.js';
import { httpOk, redisPing } from './probes.js';

export interface Component {
  spec: ManagedSpec;
  ready: () => Promise<boolean>;
  timeoutMs: number;
  /** Ports it listens on; they must be free before it starts, or the readiness check could ask a stranger. */
  ports: number[];
}

export interface ComponentContext {
  bin: string;
  /** The chosen Argo CD version's folder (argocd, argocd-application-controller, argocd-repo-server). */
  argocdBin: string;
  argocdVersion: ArgocdVersion;
  paths: StatePaths;
  ports: Ports;
  adminToken: string;
  /** Node Ready check, done through the API (kwok has no readiness endpoint of its own that means this). */
  nodeReady: () => Promise<boolean>;
}

/**
 * The git server and the volume provisioner are Node programs beside this file, run by this node: the
 * compiled .js in the package; in a source checkout the .ts through tsx, which node resolves from the
 * child's cwd (the checkout, where node_modules/tsx is).
 */
function nodeProgram(name: string): Pick<ManagedSpec, 'command' | 'args' | 'cwd' | 'match'> {
  const fromSource = import.meta.url.endsWith('.ts');
  const file = join(import.meta.dirname, `${name}${fromSource ? '.ts' : '.js'}`);
  return {
    command: process.execPath,
    args: fromSource ? ['--import', 'tsx', file] : [file],
    cwd: fromSource ? packageRoot : undefined,
    match: basename(file),
  };
}

export function components(ctx: ComponentContext): Component[] {
  const { bin, paths, ports: p } = ctx;
  const b = (name: string) => join(bin, name);
  const kubeconfig = paths.kubeconfig;
  const argo = paths.argocd;
  const env = { ...process.env };
  delete env.KUBECONFIG;
  const api = `https://127.0.0.1:${p.apiserver}`;
  return [
    {
      spec: {
        name: 'etcd',
        command: b('etcd'),
        env,
        args: [
          '--name=node0',
          `--data-dir=${paths.etcdData}`,
          '--auto-compaction-retention=1',
          '--quota-backend-bytes=8589934592',
          `--listen-client-urls=http://127.0.0.1:${p.etcd}`,
          `--advertise-client-urls=http://127.0.0.1:${p.etcd}`,
          `--listen-peer-urls=http://127.0.0.1:${p.etcdPeer}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${p.etcdPeer}`,
          `--initial-cluster=node0=http://127.0.0.1:${p.etcdPeer}`,
          // Test data only: skipping fsync keeps a full Kubeflow apply fast on a small disk.
          '--unsafe-no-fsync',
        ],
      },
      ready: () => httpOk(`http://127.0.0.1:${p.etcd}/readyz`),
      timeoutMs: 60_000,
      ports: [p.etcd, p.etcdPeer],
    },
    {
      spec: {
        name: 'kube-apiserver',
        command: b('kube-apiserver'),
        env,
        args: [
          `--etcd-servers=http://127.0.0.1:${p.etcd}`,
          '--etcd-prefix=/registry',
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${p.apiserver}`,
          `--cert-dir=${paths.pki}`,
          `--token-auth-file=${paths.tokenCsv}`,
          '--authorization-mode=Node,RBAC',
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${join(paths.pki, 'sa.pub')}`,
          `--service-account-signing-key-file=${join(paths.pki, 'sa.key')}`,
          '--service-cluster-ip-range=10.96.0.0/16',
          '--allow-privileged=true',
          // The node's Hostname address (kwok-node-0) resolves nowhere; its InternalIP is kwok's server.
          '--kubelet-preferred-address-types=InternalIP',
          // One tenant (the tests); APF queuing only slows down a 700-object apply.
          '--enable-priority-and-fairness=false',
          '--max-requests-inflight=0',
          '--max-mutating-requests-inflight=0',
        ],
      },
      ready: () => httpOk(`${api}/readyz`, { token: ctx.adminToken }),
      timeoutMs: 120_000,
      ports: [p.apiserver],
    },
    {
      spec: {
        name: 'kube-controller-manager',
        command: b('kube-controller-manager'),
        env,
        args: [
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          '--leader-elect=false',
          '--bind-address=127.0.0.1',
          `--secure-port=${p.controllerManager}`,
          `--cert-dir=${join(paths.pki, 'kcm')}`,
          `--service-account-private-key-file=${join(paths.pki, 'sa.key')}`,
          `--root-ca-file=${join(paths.pki, 'apiserver.crt')}`,
          '--cluster-cidr=10.244.0.0/16',
          '--service-cluster-ip-range=10.96.0.0/16',
          '--node-monitor-period=25s',
          '--node-monitor-grace-period=3m20s',
          '--kube-api-qps=5000',
          '--kube-api-burst=10000',
        ],
      },
      ready: () => httpOk(`https://127.0.0.1:${p.controllerManager}/healthz`),
      timeoutMs: 60_000,
      ports: [p.controllerManager],
    },
    {
      spec: {
        name: 'kube-scheduler',
        command: b('kube-scheduler'),
        env,
        args: [
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          '--leader-elect=false',
          '--bind-address=127.0.0.1',
          `--secure-port=${p.scheduler}`,
          `--cert-dir=${join(paths.pki, 'scheduler')}`,
          '--kube-api-qps=5000',
          '--kube-api-burst=10000',
        ],
      },
      ready: () => httpOk(`https://127.0.0.1:${p.scheduler}/healthz`),
      timeoutMs: 60_000,
      ports: [p.scheduler],
    },
    {
      spec: {
        name: 'kwok',
        command: b('kwok'),
        env,
        args: [
          `--kubeconfig=${kubeconfig}`,
          `--config=${join(bin, 'kwok-stages.yaml')}`,
          // ClusterPortForward rules (see bootstrap.ts writeKwokPortForward).
          `--config=${paths.kwokPortForward}`,
          '--manage-all-nodes=true',
          '--node-lease-duration-seconds=40',
          '--cidr=10.244.0.0/16',
          // The node's address and kubelet port are where the apiserver sends pods/portforward (and
          // exec, logs): kwok's own server, which answers them as the kubelet would.
          '--node-ip=127.0.0.1',
          `--node-port=${p.kwok}`,
          `--server-address=127.0.0.1:${p.kwok}`,
        ],
      },
      ready: ctx.nodeReady,
      timeoutMs: 90_000,
      ports: [p.kwok],
    },
    {
      spec: {
        name: 'git-server',
        ...nodeProgram('git-server-main'),
        env: { ...env, KFG_CLUSTER_DIR: paths.root },
      },
      ready: () => Promise.resolve(logSays(join(paths.logs, 'git-server.log'), 'git server listening on')),
      timeoutMs: 60_000,
      ports: [p.git],
    },
    {
      spec: {
        name: 'pv-provisioner',
        ...nodeProgram('provisioner-main'),
        env: { ...env, KFG_CLUSTER_DIR: paths.root },
      },
      ready: () => Promise.resolve(logSays(join(paths.logs, 'pv-provisioner.log'), 'running')),
      timeoutMs: 60_000,
      ports: [],
    },
    {
      spec: {
        // redis rewrites its process title to "redis-server <bind>:<port>".
        name: 'redis',
        command: 'redis-server',
        env,
        match: `redis-server 127.0.0.1:${p.redis}`,
        args: ['--port', String(p.redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', argo],
      },
      ready: () => redisPing(p.redis),
      timeoutMs: 30_000,
      ports: [p.redis],
    },
    {
      spec: {
        name: 'argocd-repo-server',
        command: join(ctx.argocdBin, 'argocd-repo-server'),
        env: {
          ...env,
          // `argocd` (git-ask-pass) from the version's folder, kustomize (the version Argo CD ships) from bin.
          PATH: `${ctx.argocdBin}:${bin}:${process.env.PATH ?? ''}`,
          ARGOCD_GPG_ENABLED: 'false',
          ARGOCD_GNUPGHOME: join(argo, 'gpg', 'keys'),
          ARGOCD_GPG_DATA_PATH: join(argo, 'gpg', 'source'),
          ARGOCD_TLS_DATA_PATH: join(argo, 'tls'),
          ARGOCD_SSH_DATA_PATH: join(argo, 'ssh'),
          ARGOCD_PLUGINSOCKFILEPATH: join(argo, 'plugins'),
          ARGOCD_ASK_PASS_SOCK: join(argo, 'askpass.sock'),
          TMPDIR: join(argo, 'tmp'),
        },
        args: [
          '--port',
          String(p.repoServer),
          '--metrics-port',
          String(p.repoServerMetrics),
          '--disable-tls',
          // From v3.5 the repo-server defaults --client-ca-path to a mounted Secret's path (mTLS), which
          // it refuses together with --disable-tls; plaintext on loopback needs it empty.
          ...(ctx.argocdVersion === 'v3.4.7' ? [] : ['--client-ca-path=']),
          '--redis',
          `127.0.0.1:${p.redis}`,
          '--loglevel',
          'info',
          '--otlp-address=',
        ],
      },
      ready: () => httpOk(`http://127.0.0.1:${p.repoServerMetrics}/metrics`),
      timeoutMs: 60_000,
      ports: [p.repoServer, p.repoServerMetrics],
    },
    {
      spec: {
        name: 'argocd-application-controller',
        command: join(ctx.argocdBin, 'argocd-application-controller'),
        env: {
          ...env,
          ARGOCD_FAKE_IN_CLUSTER: 'true',
          KUBECONFIG: kubeconfig,
          ARGOCD_TLS_DATA_PATH: join(argo, 'tls'),
          ARGOCD_SSH_DATA_PATH: join(argo, 'ssh'),
        },
        args: [
          '--kubeconfig',
          kubeconfig,
          '--namespace',
          'argocd',
          '--redis',
          `127.0.0.1:${p.redis}`,
          '--repo-server',
          `127.0.0.1:${p.repoServer}`,
          '--repo-server-plaintext',
          '--metrics-port',
          String(p.controllerMetrics),
          '--loglevel',
          'info',
          '--otlp-address=',
        ],
      },
      ready: () => httpOk(`http://127.0.0.1:${p.controllerMetrics}/metrics`),
      timeoutMs: 90_000,
      ports: [p.controllerMetrics],
    },
  ];
}

function logSays(file: string, text: string): boolean {
  return existsSync(file) && readFileSync(file, 'utf8').includes(text);
}
