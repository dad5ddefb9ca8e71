/**
 * Application documents for watch tests: the fixtures captured from the Argo CD the cluster tier runs
 * (test/fixtures/app-status/<version>), renamed and re-pointed at one pushed commit so several components can
 * share a wait, plus states derived from them by changing only what the case is about.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArgoApplication, Phase } from '../../installer/watch/assess-application.js';
import { appStatusDir, newestShowing } from './app-status-fixtures.js';

/** The commit every document below is re-pointed to. */
export const PUSHED = '0123456789abcdef0123456789abcdef01234567';
/** A commit pushed before it. */
export const EARLIER = 'fedcba9876543210fedcba9876543210fedcba98';

export type AppDocument = ArgoApplication & { metadata: { name: string } };

export function capturedApp(state: string): { app: AppDocument; expectedRevision: string; expectedPhase: Phase } {
  const dir = appStatusDir(newestShowing(state));
  const app = JSON.parse(readFileSync(join(dir, `${state}.json`), 'utf8')) as AppDocument;
  const meta = JSON.parse(readFileSync(join(dir, `${state}.meta.json`), 'utf8')) as {
    expectedRevision: string;
    expectedPhase: Phase;
  };
  return { app, ...meta };
}

/** The captured document of `state` as the Application `name`, with `revision` wherever it had its pushed commit. */
export function appAt(state: string, name: string, revision = PUSHED): AppDocument {
  const { app, expectedRevision } = capturedApp(state);
  const doc = JSON.parse(JSON.stringify(app).replaceAll(expectedRevision, revision)) as AppDocument;
  doc.metadata.name = name;
  return doc;
}

/** Synced-healthy after a successful sync of the pushed commit, but Argo CD still compares OutOfSync. */
export function outOfSyncAfterSync(name: string, revision = PUSHED): AppDocument {
  const doc = appAt('synced-healthy', name, revision);
  if (doc.status?.sync) doc.status.sync.status = 'OutOfSync';
  return doc;
}

/** The degraded capture with its Deployment replaced by a CRD Argo CD reports as not established. */
export function crdNotEstablished(name: string, crd: string, health = 'Degraded'): AppDocument {
  const doc = appAt('degraded', name);
  const status = doc.status ?? {};
  status.health = { status: health };
  status.resources = (status.resources ?? []).map((r) =>
    r.kind === 'Deployment'
      ? {
          group: 'apiextensions.k8s.io',
          version: 'v1',
          kind: 'CustomResourceDefinition',
          name: crd,
          status: 'Synced',
          health: { status: health, message: 'CRD is not established' },
        }
      : r,
  );
  return doc;
}

/**
 * The comparison-error capture with the condition Argo CD v3.5.1 wrote in CI (2026-12-03) when its
 * cached API schema lacked a CRD's kind: sync Unknown, the last sync and health as they were.
 */
export function schemaLacking(name: string, gvk = 'cert-manager.io/v1, Kind=ClusterIssuer'): AppDocument {
  const doc = appAt('comparison-error', name);
  const status = doc.status ?? {};
  status.conditions = [
    {
      type: 'ComparisonError',
      message: `Failed to compare desired state to live state: failed to calculate diff: error calculating structured merge diff: unable to resolve parseableType for GroupVersionKind: ${gvk}`,
    },
  ];
  return doc;
}
