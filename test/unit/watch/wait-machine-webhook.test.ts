/**
 * The wait-machine and a ComparisonError from an admission webhook: from v3.6 Argo CD diffs a
 * server-side-applied Application by a dry-run apply, so a webhook whose service is still starting
 * fails the comparison. The watch asks Argo CD to compare again (backing off) instead of waiting for its
 * next poll, and a webhook that never answers still fails the component after the grace.
 */
import { describe, expect, it } from 'vitest';
import { assessApplication, type ArgoApplication } from '../../../installer/watch/assess-application.js';
import { PUSHED, schemaLacking } from '../../support/app-documents.js';
import { machine } from './wait-machine-harness.js';

const REFUSED =
  'Failed to compare desired state to live state: failed to calculate diff: error calculating server side diff: serverSideDiff error: error running server side apply in dryrun mode for resource Gateway/kubeflow-gateway: Internal error occurred: failed calling webhook "validation.istio.io": failed to call webhook: Post "https://istiod.istio-system.svc:443/validate?timeout=10s": dial tcp 10.96.0.40:443: connect: connection refused';

/** The comparison-error capture with the condition Argo CD v3.6 writes when a webhook refuses its dry-run. */
function webhookRefused(name: string): ArgoApplication {
  const doc = schemaLacking(name);
  doc.status = { ...doc.status, conditions: [{ type: 'ComparisonError', message: REFUSED }] };
  return doc;
}

function ready(name: string): ArgoApplication {
  const doc = webhookRefused(name);
  return { ...doc, status: { ...doc.status, conditions: [], sync: { status: 'Synced', revision: PUSHED } } };
}

describe('readiness of an Application whose comparison an admission webhook failed', () => {
  it('is failed, marked for a fresh comparison, and not taken for an unreachable repository', () => {
    const s = assessApplication(webhookRefused('a'), PUSHED);
    expect(s).toMatchObject({ phase: 'failed', webhookRefused: true });
    expect(s.repoUnreachable).toBeUndefined();
    expect(s.schemaLacks).toBeUndefined();
    expect(s.reason).toContain('failed calling webhook "validation.istio.io"');
  });

  it('is not so marked when another error comes with it', () => {
    const doc = webhookRefused('a');
    doc.status?.conditions?.push({ type: 'SyncError', message: 'one or more objects failed to apply' });
    expect(assessApplication(doc, PUSHED).webhookRefused).toBeUndefined();
  });
});

describe('wait-machine: an admission webhook failed the comparison', () => {
  it('asks Argo CD to compare again within the grace, backing off, and is ready once the webhook answers', () => {
    const m = machine({ failureGraceMs: 90_000 });
    m.list({ a: webhookRefused('a') });
    m.runUntil(85_000);
    // At once (the failure's own refresh, and the first nudge), then after 20 s and 40 s more.
    expect(m.refreshes('a').filter((t) => t > 0)).toEqual([20, 60]);
    expect(m.refreshes('a')).toContain(0);
    m.app('a', ready('a'));
    expect(m.finished()?.outcome).toEqual({ kind: 'ready' });
  });

  it('fails after the grace when the webhook never answers', () => {
    const m = machine();
    m.list({ a: webhookRefused('a') });
    m.runUntil(100_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'failed', components: ['a'] }, at: 30_000 });
  });
});
