/**
 * The wait-machine and a ComparisonError from Argo CD's cached API schema lacking a kind (it loaded the
 * schema before the API server published that CRD's): the driver makes Argo CD reload the schema when
 * the API server serves the kind, and the component waits; otherwise it fails after the grace.
 */
import { describe, expect, it } from 'vitest';
import { assessApplication } from '../../../installer/watch/assess-application.js';
import { PUSHED, schemaLacking } from '../../support/app-documents.js';
import { machine } from './wait-machine-harness.js';

const GVK = { group: 'cert-manager.io', version: 'v1', kind: 'ClusterIssuer' };

describe('readiness of an Application whose comparison lacks a kind in Argo CD schema', () => {
  it('is failed, names the kind, and is not taken for an unreachable repository', () => {
    const s = assessApplication(schemaLacking('a'), PUSHED);
    expect(s).toMatchObject({ phase: 'failed', schemaLacks: GVK });
    expect(s.repoUnreachable).toBeUndefined();
    expect(s.reason).toContain('unable to resolve parseableType for GroupVersionKind: cert-manager.io/v1');
  });

  it("reads Argo CD v3.6's wording too (its server-side diff, which replaced the structured-merge one)", () => {
    const app = schemaLacking('a');
    app.status!.conditions = [
      {
        type: 'ComparisonError',
        message:
          'Failed to compare desired state to live state: failed to calculate diff: error calculating server side diff: serverSideDiff error: error removing non config mutations for resource ClusterIssuer/kubeflow-self-signing-issuer: unable to resolve parseableType for GroupVersionKind: cert-manager.io/v1, Kind=ClusterIssuer',
      },
    ];
    const s = assessApplication(app, PUSHED);
    expect(s).toMatchObject({ phase: 'failed', schemaLacks: GVK });
    expect(s.repoUnreachable).toBeUndefined();
  });

  it('reads a core kind (empty group) too', () => {
    const s = assessApplication(schemaLacking('a', '/v1, Kind=Pod'), PUSHED);
    expect(s.schemaLacks).toEqual({ group: '', version: 'v1', kind: 'Pod' });
  });
});

describe('wait-machine: Argo CD schema lacks a kind', () => {
  it('asks for a reload at once; when the kind is served it notes it once, refreshes, and waits', () => {
    const m = machine({ componentTimeoutMs: 200_000 });
    m.list({ a: schemaLacking('a') });
    expect(m.of('reload-schema')).toEqual([{ kind: 'reload-schema', component: 'a', gvk: GVK }]);
    m.at(500).send({ kind: 'schema', component: 'a', gvk: GVK, served: true });
    expect(m.notes()).toEqual([
      "a: Argo CD's cached API schema lacks ClusterIssuer (cert-manager.io/v1), which the API server serves (Argo CD loaded it before the API server published that CRD); touched the CRD so that Argo CD reloads it",
    ]);
    expect(m.refreshes('a')).toContain(0.5);
    // Argo CD compares again and still lacks it: no new reload until the back-off allows, no failure.
    m.at(5_000).app('a', schemaLacking('a'));
    expect(m.of('reload-schema')).toHaveLength(1);
    m.runUntil(21_000).app('a', schemaLacking('a'));
    expect(m.of('reload-schema')).toHaveLength(2);
    m.send({ kind: 'schema', component: 'a', gvk: GVK, served: true });
    expect(m.notes()).toHaveLength(1);
    m.runUntil(300_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'timeout', components: ['a'] }, at: 200_000 });
  });

  it('is ready as soon as the reloaded schema lets Argo CD compare', () => {
    const m = machine();
    m.list({ a: schemaLacking('a') });
    m.send({ kind: 'schema', component: 'a', gvk: GVK, served: true });
    m.at(3_000).app('a', appReady());
    expect(m.finished()?.outcome).toEqual({ kind: 'ready' });
  });

  it('fails after the grace when no Established CRD serves the kind', () => {
    const m = machine();
    m.list({ a: schemaLacking('a') });
    m.at(1_000).send({ kind: 'schema', component: 'a', gvk: GVK, served: false });
    m.runUntil(10_000).app('a', schemaLacking('a'));
    m.runUntil(100_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'failed', components: ['a'] }, at: 31_000 });
    expect(m.notes()).toEqual([]);
  });
});

function appReady() {
  const doc = schemaLacking('a');
  return { ...doc, status: { ...doc.status, conditions: [], sync: { status: 'Synced', revision: PUSHED } } };
}
