/**
 * The health checks overlays/argocd gives Argo CD, run by a real Lua 5.1 interpreter (Argo CD runs
 * gopher-lua, a Lua 5.1) on documents captured from a real cluster and Argo CD. Applications: the
 * root's next sync wave may start only on a child whose Healthy belongs to its current spec, Synced,
 * with no sync requested or running. CRDs: Progressing, not Degraded, until the API server has
 * Established them, as Argo CD's own check does from v3.6: the installed release's built-in cases
 * (its resource_customizations tests, read from its Go module) must get the same status from ours.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ARGOCD_VERSION } from '../../installer/core/constants.js';
import { appStatusDir, CAPTURED_LINES, type CapturedLine } from '../support/app-status-fixtures.js';
import { projectRoot } from '../support/fixtures.js';
import { toolMissing } from '../support/require-tool.js';

const skip = toolMissing('lua5.1', 'runs the Application health check as Argo CD does');
const noGo = toolMissing('go', "downloads Argo CD's module to read its own health checks");

const cm = parse(readFileSync(join(projectRoot, 'overlays', 'argocd', 'argocd-cm.yaml'), 'utf8')) as {
  data: Record<string, string>;
};
const APP_CHECK = cm.data['resource.customizations.health.argoproj.io_Application'] ?? '';
const CRD_CHECK = cm.data['resource.customizations.health.apiextensions.k8s.io_CustomResourceDefinition'] ?? '';

/** A JSON document as a Lua table constructor, as Argo CD hands `obj` to the script. */
function luaValue(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return `{${v.map(luaValue).join(',')}}`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as Record<string, unknown>)
      .map(([k, x]) => `[${JSON.stringify(k)}]=${luaValue(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

const dir = mkdtempSync(join(tmpdir(), 'kfg-lua-'));

function health(app: unknown, script = APP_CHECK): { status: string; message: string } {
  const file = join(dir, 'check.lua');
  writeFileSync(
    file,
    `obj = ${luaValue(app)}\nlocal function check()\n${script}\nend\nlocal hs = check()\nio.write(hs.status, "\\n", hs.message)`,
  );
  const [status = '', message = ''] = execFileSync('lua5.1', [file], { encoding: 'utf8' }).split('\n');
  return { status, message };
}

type App = {
  spec: { source?: { path?: string }; destination?: { namespace?: string } };
  status: { sync: { status?: string }; operationState?: { phase?: string } };
  operation?: unknown;
};
const captured = (name: string, version?: CapturedLine): App =>
  JSON.parse(readFileSync(join(appStatusDir(version), `${name}.json`), 'utf8')) as App;

describe.skipIf(skip)('the Application health check the root uses for its waves', () => {
  it.each(CAPTURED_LINES)('passes a Synced, Healthy child whose status compares its current spec (%s)', (v) => {
    expect(health(captured('synced-healthy', v)).status).toBe('Healthy');
    expect(health(captured('multi-source', v)).status).toBe('Healthy');
  });

  it.each(CAPTURED_LINES)('holds every captured state that is not Synced and Healthy (%s)', (v) => {
    for (const state of ['out-of-sync', 'operation-running', 'comparison-error', 'missing', 'stale-revision']) {
      const app = captured(state, v);
      const settled = app.status.sync.status === 'Synced' && app.status.operationState?.phase !== 'Running';
      if (!settled) expect(health(app).status, `${v} ${state}`).not.toBe('Healthy');
    }
  });

  it('holds a child whose Healthy belongs to an older source, path or destination', () => {
    const moved = captured('synced-healthy');
    moved.spec.source = { ...moved.spec.source, path: 'kubeflow-apps/elsewhere' };
    expect(health(moved)).toEqual({
      status: 'Progressing',
      message: 'waiting for Argo CD to compare the current spec',
    });
    const elsewhere = captured('synced-healthy');
    elsewhere.spec.destination = { ...elsewhere.spec.destination, namespace: 'other' };
    expect(health(elsewhere).status).toBe('Progressing');
  });

  it('holds a child with a sync requested or running, or Healthy but not Synced', () => {
    expect(health(captured('operation-running'))).toEqual({ status: 'Progressing', message: 'sync requested' });
    const running = captured('synced-healthy');
    running.status.operationState = { ...running.status.operationState, phase: 'Running' };
    expect(health(running)).toEqual({ status: 'Progressing', message: 'syncing' });
    expect(health(captured('out-of-sync'))).toEqual({ status: 'Progressing', message: 'healthy but OutOfSync' });
    expect(health(captured('comparison-error')).status).toBe('Progressing');
  });

  it("reports the child's own health otherwise", () => {
    expect(health(captured('degraded')).status).toBe('Degraded');
    expect(health(captured('progressing')).status).toBe('Progressing');
    expect(health(captured('suspended')).status).toBe('Suspended');
    expect(health({ metadata: { name: 'new' }, spec: {} })).toEqual({
      status: 'Progressing',
      message: 'waiting for Argo CD to assess the Application',
    });
  });
});

type Crd = {
  metadata: { deletionTimestamp?: string };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
};

describe.skipIf(skip)('the CRD health check', () => {
  const established = () =>
    JSON.parse(readFileSync(join(projectRoot, 'test', 'fixtures', 'crd-status', 'established.json'), 'utf8')) as Crd;
  const crdHealth = (crd: Crd) => health(crd, CRD_CHECK);

  it('is Healthy once Established', () => {
    expect(crdHealth(established())).toEqual({ status: 'Healthy', message: 'CRD is established' });
  });

  it('is Progressing, not Degraded, while names are accepted but it is not Established yet', () => {
    const fresh = established();
    fresh.status!.conditions = fresh.status!.conditions!.filter((c) => c.type !== 'Established');
    expect(crdHealth(fresh).status).toBe('Progressing');
    expect(crdHealth({ metadata: {} }).status).toBe('Progressing');
    const terminating = established();
    terminating.metadata.deletionTimestamp = '2026-12-02T16:20:00Z';
    expect(crdHealth(terminating)).toEqual({ status: 'Progressing', message: 'CRD is terminating' });
  });

  it('is Progressing while the API server reports it terminating', () => {
    const ending = established();
    ending.status!.conditions!.push({ type: 'Terminating', status: 'True', message: 'user has deleted the CRD' });
    expect(crdHealth(ending)).toEqual({
      status: 'Progressing',
      message: 'CRD is terminating: user has deleted the CRD',
    });
  });

  it('is Degraded for what does not pass by itself', () => {
    const refused = established();
    refused.status!.conditions = [{ type: 'NamesAccepted', status: 'False', message: 'plural is already in use' }];
    expect(crdHealth(refused)).toEqual({
      status: 'Degraded',
      message: 'CRD names have not been accepted: plural is already in use',
    });
    const loose = established();
    loose.status!.conditions!.push({ type: 'NonStructuralSchema', status: 'True', message: 'spec.x: missing type' });
    expect(crdHealth(loose).status).toBe('Degraded');
    const badCa = established();
    badCa.status!.conditions = badCa.status!.conditions!.map((c) =>
      c.type === 'Established'
        ? { ...c, status: 'False', reason: 'InvalidCABundle', message: 'The conversion webhook CABundle is invalid' }
        : c,
    );
    expect(crdHealth(badCa)).toEqual({
      status: 'Degraded',
      message: 'CRD is not established: The conversion webhook CABundle is invalid',
    });
  });
});

/**
 * The installed Argo CD's module (the go command fetches it from the module proxy, or finds it in its
 * cache when the local cluster has built that release). From v3.6 its module needs Go 1.27: the go
 * command fetches that toolchain from the proxy too.
 */
function argoCdModule(version: string): string {
  const out = execFileSync('go', ['mod', 'download', '-json', `github.com/argoproj/argo-cd/v3@${version}`], {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'go1.27.3' },
  });
  return (JSON.parse(out) as { Dir: string }).Dir;
}

interface BuiltInCase {
  inputPath: string;
  healthStatus: { status: string; message: string };
}

describe.skipIf(skip ?? noGo)(`the CRD health check against Argo CD ${ARGOCD_VERSION}'s own`, () => {
  let moduleDir: string | undefined;
  const root = () => (moduleDir ??= argoCdModule(ARGOCD_VERSION));
  const builtIn = (dir: string) =>
    join(dir, 'resource_customizations', 'apiextensions.k8s.io', 'CustomResourceDefinition');

  it("gives every case of Argo CD's own tests the status Argo CD's check gives it", () => {
    const dir = builtIn(root());
    const { tests } = parse(readFileSync(join(dir, 'health_test.yaml'), 'utf8')) as { tests: BuiltInCase[] };
    expect(tests.length).toBeGreaterThanOrEqual(10);
    for (const t of tests) {
      const crd = parse(readFileSync(join(dir, t.inputPath), 'utf8')) as Crd;
      expect(health(crd, CRD_CHECK).status, t.inputPath).toBe(t.healthStatus.status);
    }
  });

  it('still has no built-in Application health check, so the root needs ours to gate its waves', () => {
    const app = join(root(), 'resource_customizations', 'argoproj.io', 'Application');
    expect(existsSync(join(app, 'health.lua'))).toBe(false);
  });
});
