/**
 * Every command reads the cluster from flags, `--config` and KFG_* the same way: through the real CLI,
 * with a kubeconfig of two contexts. Its current context points at a listener that only counts
 * connections (and drops them); context `x` points at a closed port. A command told `x` by
 * KFG_CONTEXT or by the config file must name `x` and fail on it, and never connect to the current
 * context's server. No cluster is needed: what is checked is which server each command goes to.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/fork-env.js';

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    });
    server.on('error', reject);
  });
}

async function closedPort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

const COMMANDS = [['uninstall', '--yes'], ['status'], ['doctor'], ['open', '--no-browser', '--port', '0']];

describe('the cluster a command acts on comes from flags, --config and KFG_* alike', () => {
  let dir: string;
  let kubeconfig: string;
  let tripwire: Server;
  let connections = 0;
  let currentServer: string;
  let xServer: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kfg-settings-'));
    tripwire = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    currentServer = `https://127.0.0.1:${String(await listen(tripwire))}`;
    xServer = `https://127.0.0.1:${String(await closedPort())}`;
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- {name: current, cluster: {server: "${currentServer}", insecure-skip-tls-verify: true}}`,
        `- {name: other, cluster: {server: "${xServer}", insecure-skip-tls-verify: true}}`,
        'users: [{name: someone, user: {token: not-a-real-token}}]',
        'contexts:',
        '- {name: current, context: {cluster: current, user: someone}}',
        '- {name: x, context: {cluster: other, user: someone}}',
        'current-context: current',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await new Promise((r) => tripwire.close(r));
  });

  const env = (extra: Record<string, string> = {}) => ({
    KUBECONFIG: kubeconfig,
    KFG_CONTEXT: undefined,
    KFG_STATE_DIR: join(dir, 'state'),
    CI: 'true',
    ...extra,
  });

  it.each(COMMANDS)('%s with KFG_CONTEXT=x acts on x, never on the current context', async (...args) => {
    const before = connections;
    const r = await runCli(args, env({ KFG_CONTEXT: 'x' }));
    expect(r.stderr).toContain(`cluster: context "x" at ${xServer}`);
    // doctor reports the unreachable API server as a check, on stdout
    expect(r.stderr + r.stdout).toContain(`cannot reach the Kubernetes API at ${xServer} (context x)`);
    expect(r.code, r.stderr).toBe(3);
    expect(connections - before, 'connections to the current context').toBe(0);
  });

  it.each(COMMANDS)('%s with the config file naming x acts on x', async (...args) => {
    const file = join(dir, `${args[0] ?? ''}.yaml`);
    writeFileSync(file, 'context: x\n');
    const before = connections;
    const r = await runCli([...args, '--config', file], env());
    expect(r.stderr).toContain(`cluster: context "x" at ${xServer}`);
    expect(r.code, r.stderr).toBe(3);
    expect(connections - before, 'connections to the current context').toBe(0);
  });

  it('the flag beats KFG_CONTEXT, which beats the config file, for uninstall as for install', async () => {
    const file = join(dir, 'current.yaml');
    writeFileSync(file, 'context: current\n');
    const fromEnv = await runCli(['uninstall', '--yes', '--config', file], env({ KFG_CONTEXT: 'x' }));
    expect(fromEnv.stderr).toContain(`cluster: context "x" at ${xServer}`);
    const before = connections;
    const fromFlag = await runCli(['uninstall', '--yes', '--context', 'current'], env({ KFG_CONTEXT: 'x' }));
    expect(fromFlag.stderr).toContain(`cluster: context "current" at ${currentServer}`);
    expect(connections - before).toBeGreaterThan(0);
  });

  it('a context that is not in the kubeconfig is refused naming where it was given, before any connection', async () => {
    const before = connections;
    const r = await runCli(['status'], env({ KFG_CONTEXT: 'prod-cluster' }));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('context "prod-cluster" (from KFG_CONTEXT) is not in the kubeconfig');
    expect(r.stderr).toContain('contexts: current, x');
    const file = join(dir, 'prod.yaml');
    writeFileSync(file, 'context: prod-cluster\n');
    const fromFile = await runCli(['doctor', '--config', file], env());
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toMatch(/context "prod-cluster" \(from .*prod\.yaml:1.*\) is not in the kubeconfig/);
    expect(connections - before).toBe(0);
  });
});
