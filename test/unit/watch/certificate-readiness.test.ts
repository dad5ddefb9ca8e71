/**
 * The gateway's HTTPS Certificate as readiness sees it. Argo CD's built-in check for cert-manager
 * Certificates (resource_customizations/cert-manager.io/Certificate/health.lua, the same on v3.4.7,
 * v3.5.1 and v3.6.2) keeps the Application Progressing until cert-manager marks it Ready, so the
 * install waits for it wherever certificates are issued; the watch must then say which Certificate
 * and why, in cert-manager's words.
 *
 * The Application documents are captured from real Argo CD (recipe `certificate-pending`); the
 * Certificate documents are written as cert-manager v1.19.4 (Kubeflow 26.03's) writes its conditions,
 * reasons and messages taken from its source (pkg/controller/certificates/{trigger,issuing,readiness},
 * internal/controller/certificates/policies): no cert-manager controller runs on the local cluster
 * (docs/local-cluster.md), so none can be captured there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assessApplication, type ArgoApplication } from '../../../installer/watch/assess-application.js';
import { objectProblem } from '../../../installer/watch/explain-from-objects.js';
import { appStatusDir, uncaptured } from '../../support/app-status-fixtures.js';

const NAME = { namespace: 'istio-system', name: 'kubeflow-gateway-tls' };
const condition = (type: string, status: string, reason: string, message: string) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: '2026-12-07T23:57:06Z',
  observedGeneration: 1,
});
const certificate = (
  o: { conditions?: ReturnType<typeof condition>[]; annotations?: Record<string, string> } = {},
) => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { ...NAME, generation: 1, ...(o.annotations ? { annotations: o.annotations } : {}) },
  spec: {
    secretName: 'kubeflow-gateway-tls',
    commonName: 'kf.example.com',
    dnsNames: ['kf.example.com'],
    issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'kubeflow-self-signing-issuer' },
  },
  ...(o.conditions ? { status: { conditions: o.conditions } } : {}),
});
const DOES_NOT_EXIST = 'Issuing certificate as Secret does not exist';

describe('a cert-manager Certificate, read by the watch', () => {
  it('being issued: Progressing, named, with the trigger reason', () => {
    const cert = certificate({
      conditions: [
        condition('Ready', 'False', 'DoesNotExist', DOES_NOT_EXIST),
        condition('Issuing', 'True', 'DoesNotExist', DOES_NOT_EXIST),
      ],
    });
    expect(objectProblem(cert)).toEqual({
      resource: 'Certificate istio-system/kubeflow-gateway-tls',
      status: 'Progressing',
      message: `not Ready, issuing: DoesNotExist: ${DOES_NOT_EXIST}`,
    });
  });

  it('issuance failed: Degraded, with why the request failed rather than Ready’s generic message', () => {
    const failed =
      'The certificate request has failed to complete and will be retried: Failed to wait for order resource "kubeflow-gateway-tls-1-3120" to become ready: order is in "invalid" state';
    const cert = certificate({
      conditions: [
        condition('Ready', 'False', 'DoesNotExist', DOES_NOT_EXIST),
        condition('Issuing', 'False', 'Failed', failed),
      ],
    });
    expect(objectProblem(cert)).toEqual({
      resource: 'Certificate istio-system/kubeflow-gateway-tls',
      status: 'Degraded',
      message: `not Ready: Failed: ${failed}`,
    });
  });

  it('not Ready and not issuing: Degraded with Ready’s reason', () => {
    const cert = certificate({
      conditions: [condition('Ready', 'False', 'Expired', 'Certificate expired on Sun, 06 Dec 2026 10:00:00 UTC')],
    });
    expect(objectProblem(cert)?.message).toBe(
      'not Ready: Expired: Certificate expired on Sun, 06 Dec 2026 10:00:00 UTC',
    );
  });

  it('with no status at all (nothing acts on it): Progressing, asking whether cert-manager runs', () => {
    expect(objectProblem(certificate())).toEqual({
      resource: 'Certificate istio-system/kubeflow-gateway-tls',
      status: 'Progressing',
      message: 'not Ready: no status yet (nothing has acted on it: is the cert-manager controller running?)',
    });
  });

  it('Ready: no problem', () => {
    const cert = certificate({
      conditions: [condition('Ready', 'True', 'Ready', 'Certificate is up to date and has not expired')],
    });
    expect(objectProblem(cert)).toBeUndefined();
  });

  it('with Argo CD told to ignore its health (the local target): no problem, as Argo CD sees it', () => {
    const cert = certificate({ annotations: { 'argocd.argoproj.io/ignore-healthcheck': 'true' } });
    expect(objectProblem(cert)).toBeUndefined();
  });

  it('a kind named Certificate in another API group is not read as cert-manager’s', () => {
    expect(objectProblem({ ...certificate(), apiVersion: 'networking.example.com/v1' })).toBeUndefined();
  });
});

describe.skipIf(uncaptured('certificate-pending'))('an Application held by its Certificate (real Argo CD)', () => {
  const app = () =>
    JSON.parse(readFileSync(join(appStatusDir(), 'certificate-pending.json'), 'utf8')) as ArgoApplication;
  const meta = () =>
    JSON.parse(readFileSync(join(appStatusDir(), 'certificate-pending.meta.json'), 'utf8')) as {
      expectedRevision: string;
    };

  it('is Progressing until the Certificate is Ready, and names it', () => {
    const s = assessApplication(app(), meta().expectedRevision);
    expect(s.phase).toBe('progressing');
    expect(s.reason).toMatch(/^Progressing: Certificate kfg-rd-certificate-pending\/web-tls: Waiting for certificate$/);
  });

  it('without per-resource health (Argo CD v3’s default) names it from v3.6’s "Caused by" message', () => {
    const a = app();
    for (const r of a.status?.resources ?? []) delete r.health;
    const s = assessApplication(a, meta().expectedRevision);
    expect(s.phase).toBe('progressing');
    // Then explain-from-objects.ts reads the Certificate for cert-manager's own words (objectProblem above).
    expect(s.reason).toBe('Progressing: Certificate kfg-rd-certificate-pending/web-tls is Progressing');
    expect(s.problems).toEqual([]);
  });

  it('is ready once Argo CD reports the Certificate Healthy', () => {
    const a = app();
    if (a.status?.health) a.status.health = { status: 'Healthy' };
    for (const r of a.status?.resources ?? []) r.health = { status: 'Healthy' };
    expect(assessApplication(a, meta().expectedRevision).phase).toBe('ready');
  });
});
