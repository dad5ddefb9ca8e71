/**
 * A second, empty Kubernetes API beside the local cluster: the same kube-apiserver binary, certificates
 * and etcd, under its own etcd prefix and port. It has no Argo CD, no nodes and no controllers, which
 * is what the "cluster without Argo CD" paths need (detect it absent, install it from the fork, refuse a
 * half-installed one). Nothing reconciles there, so tests use it only up to what a real API decides,
 * unless `controllers` also starts a kube-controller-manager (workload controllers only) for it: then
 * Deployments and StatefulSets make their pods, which stay Pending (no node), specs and images in place.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { binDir, ports, statePaths } from '../../installer/systems/local-cluster/config.js';
import { httpOk } from '../../installer/systems/local-cluster/probes.js';
import { waitFor } from '../../installer/systems/local-cluster/processes.js';
import type { ClusterEnv } from './cluster.js';

export interface BareApiServer {
  readonly kubeconfig: string;
  readonly server: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => {
        resolve(typeof addr === 'object' && addr ? addr.port : 0);
      });
    });
    s.on('error', reject);
  });
}

export async function startBareApiServer(
  env: ClusterEnv,
  name: string,
  o: { controllers?: boolean } = {},
): Promise<BareApiServer> {
  const paths = statePaths(env.stateDir);
  const main = readFileSync(env.kubeconfig, 'utf8');
  const mainServer = /server: (https:\/\/127\.0\.0\.1:\d+)/.exec(main)?.[1];
  const token = /token: (\S+)/.exec(main)?.[1];
  if (!mainServer || !token) throw new Error(`cannot read the local cluster's server and token from ${env.kubeconfig}`);
  const etcd = `http://127.0.0.1:${ports().etcd}`;
  const port = await freePort();
  const server = `https://127.0.0.1:${port}`;
  const log = join(paths.logs, `kube-apiserver-bare-${name}.log`);
  const fd = openSync(log, 'a');
  const child = spawn(
    join(binDir(), 'kube-apiserver'),
    [
      `--etcd-servers=${etcd}`,
      `--etcd-prefix=/bare-${name}-${Date.now().toString(36)}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${paths.pki}`,
      `--token-auth-file=${paths.tokenCsv}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${join(paths.pki, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(paths.pki, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--enable-priority-and-fairness=false',
    ],
    { stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => {
      child.once('exit', r);
      setTimeout(r, 10_000).unref();
    });
  };
  try {
    await waitFor(() => httpOk(`${server}/readyz`, { token }), {
      name: `bare kube-apiserver on ${port}`,
      timeoutMs: 120_000,
      log,
      pid: child.pid,
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const kubeconfig = join(paths.root, `kubeconfig-bare-${name}`);
  writeFileSync(kubeconfig, main.split(mainServer).join(server), { mode: 0o600 });
  if (!o.controllers) return { kubeconfig, server, stop };
  const kcm = startControllers(kubeconfig, paths, join(paths.logs, `kube-controller-manager-bare-${name}.log`));
  return {
    kubeconfig,
    server,
    stop: async () => {
      await kcm();
      await stop();
    },
  };
}

/** kube-controller-manager for a bare API server: the controllers that turn workloads into pods. */
function startControllers(kubeconfig: string, paths: ReturnType<typeof statePaths>, log: string): () => Promise<void> {
  const fd = openSync(log, 'a');
  const child = spawn(
    join(binDir(), 'kube-controller-manager'),
    [
      `--kubeconfig=${kubeconfig}`,
      '--leader-elect=false',
      // No health endpoint to serve: tests wait for the pods themselves.
      '--secure-port=0',
      '--controllers=deployment,replicaset,statefulset,serviceaccount',
      `--service-account-private-key-file=${join(paths.pki, 'sa.key')}`,
      `--root-ca-file=${join(paths.pki, 'apiserver.crt')}`,
    ],
    { stdio: ['ignore', fd, fd] },
  );
  closeSync(fd);
  return async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => {
      child.once('exit', r);
      setTimeout(r, 10_000).unref();
    });
  };
}
