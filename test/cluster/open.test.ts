/**
 * `kubeflow-gitops open` through the real CLI against the local cluster's real kube-apiserver, which
 * sends pods/portforward to kwok as it would to a kubelet. kwok forwards the gateway stand-in pod's
 * port to 127.0.0.1:<gatewayStandInPort> (its ClusterPortForward rule, written by `up`), where this
 * test serves a page in place of the Istio gateway; the page comes back through the tunnel.
 * Before the gateway exists, `open` says what is missing with exit 3; a busy --port is exit 2.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_NAME } from '../../installer/systems/local-cluster/bootstrap.js';
import { clusterUnavailable, ensureCluster, type ClusterEnv } from '../local-cluster/cluster.js';
import { GATEWAY_STAND_IN } from '../../installer/systems/local-cluster/config.js';
import {
  deleteObjects,
  loadKubeConfig,
  serverSideApply,
  type Manifest,
} from '../../installer/systems/local-cluster/kube.js';
import { runCli } from '../support/fork-env.js';
import { projectRoot } from '../support/fixtures.js';

const skip = clusterUnavailable();
const CLI = join(projectRoot, 'installer', 'cli.ts');
const NS = GATEWAY_STAND_IN.namespace;
const NO_STACK = /internal error|\n\s+at /;
const MANAGER = 'kubeflow-gitops-test';

const SELECTOR = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
/** Shaped as upstream's gateway Service: HTTP on 80 (named http2) to the pod's 8080. */
const service: Manifest = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'istio-ingressgateway', namespace: NS },
  spec: {
    type: 'ClusterIP',
    selector: SELECTOR,
    ports: [
      { name: 'status-port', port: 15021, targetPort: 15021 },
      { name: 'http2', port: 80, targetPort: GATEWAY_STAND_IN.containerPort },
    ],
  },
};
const pod: Manifest = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: GATEWAY_STAND_IN.pod, namespace: NS, labels: SELECTOR },
  spec: {
    nodeName: NODE_NAME,
    containers: [
      {
        name: 'istio-proxy',
        image: 'registry.k8s.io/pause:3.10',
        ports: [{ name: 'http2', containerPort: GATEWAY_STAND_IN.containerPort }],
      },
    ],
  },
};
const namespace: Manifest = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } };

/** The page the "gateway" serves: what it was asked, so the test sees both directions of the tunnel. */
function startStandIn(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ servedBy: 'gateway stand-in', method: req.method, path: req.url, body }));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve(server);
    });
  });
}

/** `open` running in the background: its stdout's first line is the URL; stderr kept for messages. */
function startOpen(env: ClusterEnv, args: string[]) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', CLI, 'open', ...args], {
    cwd: projectRoot,
    env: { ...process.env, KUBECONFIG: env.kubeconfig, CI: 'true' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => {
    child.on('close', (code) => {
      resolve(code ?? -1);
    });
  });
  return {
    exited,
    stderr: () => stderr,
    async url(timeoutMs = 60_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      while (!stdout.includes('\n')) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`open printed no URL (exit ${String(child.exitCode)}):\n${stderr}`);
        await sleep(100);
      }
      return stdout.split('\n')[0] ?? '';
    },
    stop(): Promise<number> {
      child.kill('SIGINT');
      return exited;
    },
  };
}

async function waitPodReady(kc: KubeConfig): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const p = await core.readNamespacedPod({ name: GATEWAY_STAND_IN.pod, namespace: NS }).catch(() => undefined);
    if (p?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return;
    await sleep(500);
  }
  throw new Error(`pod ${NS}/${GATEWAY_STAND_IN.pod} is not Ready after 60s (kwok runs pods on ${NODE_NAME})`);
}

describe.skipIf(skip)('open on the local cluster', () => {
  let env: ClusterEnv;
  let kc: KubeConfig;
  let createdNamespace = false;
  let standIn: Server | undefined;

  beforeAll(async () => {
    env = await ensureCluster();
    kc = loadKubeConfig(env.kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    const existing = await core
      .readNamespacedService({ name: 'istio-ingressgateway', namespace: NS })
      .catch(() => undefined);
    // The cluster is shared: a real install's gateway must not be replaced by the stand-in.
    if (existing !== undefined)
      throw new Error(`${NS}/istio-ingressgateway exists (an install is on the cluster); uninstall it first`);
    createdNamespace = (await core.readNamespace({ name: NS }).catch(() => undefined)) === undefined;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => {
      if (standIn === undefined) resolve();
      else
        standIn.close(() => {
          resolve();
        });
    });
    await deleteObjects(kc, [pod, service, ...(createdNamespace ? [namespace] : [])]);
  });

  it('without a gateway: exit 3 naming the missing Service and pointing at status, nothing forwarded', async () => {
    const r = await runCli(['open', '--no-browser', '--port', '0'], { KUBECONFIG: env.kubeconfig });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain(
      'cannot open Kubeflow in context "kfg-local": Service istio-system/istio-ingressgateway does not exist.',
    );
    expect(r.stderr).toContain('kubeflow-gitops status --context kfg-local');
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.stdout).toBe('');
  });

  it('forwards a local port to the gateway pod: the page it serves comes back through the tunnel', async () => {
    standIn = await startStandIn(env.gatewayStandInPort);
    await serverSideApply(kc, [namespace, service, pod], MANAGER);
    await waitPodReady(kc);

    const open = startOpen(env, ['--no-browser', '--port', '0']);
    try {
      const url = await open.url();
      expect(url).toMatch(/^http:\/\/localhost:\d+\/$/);
      expect(open.stderr()).toMatch(
        new RegExp(
          `forwarding ${url} to pod istio-system/${GATEWAY_STAND_IN.pod} port 8080 \\(the gateway's port 80\\)`,
        ),
      );
      const get = await fetch(`${url}pipeline/?ns=kubeflow-user`);
      expect(get.status).toBe(200);
      expect(await get.json()).toEqual({
        servedBy: 'gateway stand-in',
        method: 'GET',
        path: '/pipeline/?ns=kubeflow-user',
        body: '',
      });
      // A second connection gets its own tunnel; bytes go both ways.
      const post = await fetch(url, { method: 'POST', body: 'x'.repeat(100_000), headers: { connection: 'close' } });
      expect(await post.json()).toMatchObject({ method: 'POST', body: 'x'.repeat(100_000) });
    } finally {
      // Ctrl-C is how open ends: exit 0.
      expect(await open.stop(), open.stderr()).toBe(0);
    }
    expect(open.stderr()).not.toMatch(NO_STACK);
  });

  it('a --port another process holds: exit 2 naming --port', async () => {
    const busy = createTcpServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await runCli(['open', '--no-browser', '--port', String(port)], { KUBECONFIG: env.kubeconfig });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(
        `--port ${String(port)}: cannot listen on localhost:${String(port)} (another process uses it)`,
      );
      expect(r.stderr).not.toMatch(NO_STACK);
    } finally {
      busy.close();
    }
  });
});
