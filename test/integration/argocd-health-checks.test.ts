/**
 * The health checks overlays/argocd gives Argo CD, run by a real Lua 5.1 interpreter (Argo CD runs
 * gopher-lua, a Lua 5.1) on documents captured from a real cluster and Argo CD. Applications: the
 * root's next sync wave may start only on a child whose Healthy belongs to its current spec, Synced,
 * with no sync requested or running. CRDs: Progressing, not Degraded, until the API server has
 * Established them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { appStatusDir, CAPTURED_LINES, type CapturedLine } from '../support/app-status-fixtures.js';
import { projectRoot } from '../support/fixtures.js';
import { toolMissing } from '../support/require-tool.js';

const skip = toolMissing('lua5.1', 'runs the Application health check as Argo CD does');

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
  });
});
