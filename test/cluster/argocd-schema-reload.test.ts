/**
 * What the watch does when Argo CD's cached API schema lacks a kind the API server serves
 * (systems/argocd.ts, reloadArgoSchema), on the real Argo CD: touching the CRD makes its controller
 * reload the schema, leaves nothing on the CRD, and does not disturb the Application that owns it.
 * Argo CD's stale schema itself comes from a race inside the API server (it publishes a CRD's schema
 * just after Established, and every CRD's again after a restart) that no test can call up on demand;
 * the unit tests drive the wait with the condition Argo CD wrote in CI.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANNOTATION_SCHEMA_RELOAD } from '../../installer/core/constants.js';
import { reloadArgoSchema } from '../../installer/systems/argocd.js';
import { assessApplication } from '../../installer/watch/assess-application.js';
import { clusterUnavailable, ensureCluster } from '../local-cluster/cluster.js';
import { ArgoLab, PREFIX } from '../support/argo-lab.js';

const skip = clusterUnavailable();
const run = Date.now().toString(36);
const NAME = `${PREFIX}schema-${run}`;
const GROUP = `${run}.schema.kfg.example.org`;
const CRD_NAME = `gizmos.${GROUP}`;
const GVK = { group: GROUP, version: 'v1', kind: 'Gizmo' };
const CRD_REF = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: CRD_NAME };

const FILES = {
  'crd.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${CRD_NAME}}
spec:
  group: ${GROUP}
  scope: Namespaced
  names: {kind: Gizmo, plural: gizmos, singular: gizmo, listKind: GizmoList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {size: {type: integer}}}
`,
  'gizmo.yaml': `apiVersion: ${GROUP}/v1
kind: Gizmo
metadata:
  name: one
  annotations: {argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true}
spec: {size: 3}
`,
};

/** Lines in which Argo CD's cluster cache says it reloads its schema for a CRD update. */
const reloadsIn = (text: string) =>
  text.split('\n').filter((l) => l.includes('Open API schemas due to CRD event') && l.includes('MODIFIED')).length;

describe.skipIf(skip)("Argo CD's API schema reloaded on demand", () => {
  let lab: ArgoLab | undefined;
  let controllerLog = '';
  let sha = '';

  beforeAll(async () => {
    const env = await ensureCluster();
    controllerLog = join(env.logsDir, 'argocd-application-controller.log');
    const l = new ArgoLab(env);
    lab = l;
    const repo = await l.repo(NAME);
    sha = await repo.commit(FILES);
    await l.application(NAME, {
      sources: [{ repoURL: repo.url, path: '.', targetRevision: 'main' }],
      namespace: NAME,
      syncOptions: ['ServerSideApply=true'],
    });
    await l.waitFor(NAME, (a) => a.status?.operationState?.phase === 'Succeeded');
    // Argo CD keeps the CRD's health from before it was Established until it compares again (see
    // docs/watching.md, new CRDs): ask for that comparison rather than wait for its 2-minute poll.
    await l.refresh(NAME);
    await l.waitFor(NAME, (a) => assessApplication(a, sha).phase === 'ready');
  });
  afterAll(async () => {
    await lab?.cleanup();
  });

  it('touches the serving CRD: Argo CD reloads, the CRD keeps nothing of it, its Application stays ready', async () => {
    const l = lab!;
    const from = statSync(controllerLog).size;
    const before = await l.kube.get(CRD_REF);
    expect(await reloadArgoSchema(l.kube, GVK)).toBe(true);

    const deadline = Date.now() + 30_000;
    let reloads = 0;
    while (Date.now() < deadline && reloads < 2) {
      reloads = reloadsIn(readFileSync(controllerLog, 'utf8').slice(from));
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(reloads).toBeGreaterThanOrEqual(2);

    const after = await l.kube.get<{
      metadata: { annotations?: Record<string, string>; managedFields?: unknown[]; resourceVersion?: string };
    }>(CRD_REF);
    expect(after?.metadata.annotations?.[ANNOTATION_SCHEMA_RELOAD]).toBeUndefined();
    expect(JSON.stringify(after?.metadata.managedFields)).not.toContain(ANNOTATION_SCHEMA_RELOAD);
    expect(after?.metadata.resourceVersion).not.toBe(before?.metadata?.resourceVersion);

    await l.refresh(NAME);
    const app = await l.waitFor(NAME, (a) => a.metadata?.annotations?.['argocd.argoproj.io/refresh'] === undefined);
    expect(assessApplication(app, sha).phase).toBe('ready');
  });

  it('touches nothing when no Established CRD serves the kind', async () => {
    const l = lab!;
    const before = await l.kube.get(CRD_REF);
    expect(await reloadArgoSchema(l.kube, { ...GVK, version: 'v2' })).toBe(false);
    expect(await reloadArgoSchema(l.kube, { ...GVK, kind: 'Widget' })).toBe(false);
    expect((await l.kube.get(CRD_REF))?.metadata?.resourceVersion).toBe(before?.metadata?.resourceVersion);
  });
});
