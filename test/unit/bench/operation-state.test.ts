/**
 * The per-Application answer to "did Argo CD sync anything after seeding?", from Application documents
 * a real Argo CD wrote (test/fixtures/app-status) and from the installer's own progress lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  operationsVerdict,
  seedingFromLog,
  summarizeOperation,
  summarizeOperations,
  type ApplicationStatusView,
} from '../../tools/bench/operation-state.js';
import { operationCell, renderOperations } from '../../tools/bench/report-operations.js';
import type { InstallerResult } from '../../tools/bench/installer-result.js';
import { appStatusDir, newestShowing } from '../../support/app-status-fixtures.js';

const captured = (state: string): ApplicationStatusView =>
  JSON.parse(readFileSync(join(appStatusDir(newestShowing(state)), `${state}.json`), 'utf8')) as ApplicationStatusView;

/** An Application Argo CD only compared: Synced, Healthy, no operation, no history. */
const compared = (name: string, wave: string): ApplicationStatusView => ({
  metadata: { name, annotations: { 'argocd.argoproj.io/sync-wave': wave } },
  status: { sync: { status: 'Synced', revision: 'abc' }, health: { status: 'Healthy' } },
});

const seededAll = seedingFromLog(['► seeded 2 components as Argo CD applies them in 20.1 s']);

describe('seedingFromLog', () => {
  it('reads the seeding summary and every component left to Argo CD, with why', () => {
    const s = seedingFromLog([
      '► installing Argo CD v3.5.1 from the fork',
      '► seeded 15 components as Argo CD applies them in 27.3 s',
      "  kserve: left to Argo CD's sync (a sync window denies it now)",
      "  knative-serving: left to Argo CD's sync (it needs kserve)",
    ]);
    expect(s.ran).toBe(true);
    expect(s.seeded).toBe(15);
    expect([...s.left]).toEqual([
      ['kserve', 'a sync window denies it now'],
      ['knative-serving', 'it needs kserve'],
    ]);
  });

  it('says nothing about seeding when the run printed nothing of it (seeding off, or an older installer)', () => {
    expect(seedingFromLog(['► applying the root Application "kubeflow"']).ran).toBe(false);
  });
});

describe('summarizeOperation', () => {
  it("reads the sync operation a real Argo CD ran: phase, revision, who, when, each resource's outcome", () => {
    const app = captured('synced-healthy');
    const op = app.status?.operationState;
    const start = Date.parse(op?.startedAt ?? '') - 10_000;
    const s = summarizeOperation(app, op?.syncResult?.revision ?? '', start, seededAll);
    expect(s.argoSynced).toBe(true);
    expect(s.history).toBe(1);
    expect(s.operation).toMatchObject({
      phase: 'Succeeded',
      atPushedRevision: true,
      initiatedBy: 'automated',
      startedAtSeconds: 10,
      resources: 3,
      outcomes: { created: 3 },
    });
    expect(s.operation?.finishedAtSeconds).toBeGreaterThanOrEqual(10);
  });

  it('marks an operation on another revision than the pushed one', () => {
    const s = summarizeOperation(captured('synced-healthy'), 'f'.repeat(40), 0, seededAll);
    expect(s.operation?.atPushedRevision).toBe(false);
  });

  it('an Application Argo CD only compared has no operation and did not sync', () => {
    const s = summarizeOperation(compared('cert-manager', '10'), 'abc', 0, seededAll);
    expect(s).toMatchObject({ name: 'cert-manager', wave: 10, seeding: 'seeded', argoSynced: false, history: 0 });
    expect(s.operation).toBeUndefined();
  });

  it('a component the installer left to Argo CD says so, with the reason', () => {
    const left = seedingFromLog(["  kserve: left to Argo CD's sync (its destination is not allowed)"]);
    const s = summarizeOperation(compared('kserve', '70'), 'abc', 0, left);
    expect(s.seeding).toBe('left');
    expect(s.leftBecause).toBe('its destination is not allowed');
  });

  it('leaves hooks out of the resource count', () => {
    const app: ApplicationStatusView = {
      metadata: { name: 'a' },
      status: {
        operationState: {
          phase: 'Succeeded',
          syncResult: {
            revision: 'abc',
            resources: [{ message: 'job.batch/x created', hookType: 'PreSync' }, { message: 'service/y configured' }],
          },
        },
      },
    };
    expect(summarizeOperation(app, 'abc', 0, seededAll).operation).toMatchObject({
      resources: 1,
      outcomes: { configured: 1 },
    });
  });
});

describe('the verdict and the table', () => {
  const rows = summarizeOperations(
    [compared('kserve', '70'), { metadata: { name: 'kubeflow' } }, compared('cert-manager', '10')],
    'abc',
    0,
    seededAll,
  );

  it('puts the root first, then the components by wave', () => {
    expect(rows.map((r) => r.name)).toEqual(['kubeflow', 'cert-manager', 'kserve']);
  });

  it('says when Argo CD ran no sync at all, the root not counted', () => {
    expect(operationsVerdict(rows)).toBe(
      'Argo CD ran no sync operation on any of the 2 components: it only compared them',
    );
  });

  it('names the seeded components Argo CD synced anyway', () => {
    const synced = summarizeOperation(
      { ...captured('synced-healthy'), metadata: { name: 'istio' } },
      'x',
      0,
      seededAll,
    );
    expect(operationsVerdict([...rows, synced])).toBe(
      'Argo CD ran a sync operation on 1 of 3 components (3 resources in their results), 1 of them seeded: istio',
    );
    expect(operationCell(synced)).toMatch(/^Succeeded 3 res \(3 created\) @-?\d+(\.\d)?s auto rev [0-9a-f]{7}$/);
    expect(operationCell(rows[1])).toBe('none');
  });

  it('renders one column per run, a run that measured nothing included', () => {
    const run = { operations: rows } as unknown as InstallerResult;
    const text = renderOperations('4d', [run, undefined, run]).join('\n');
    expect(text).toMatch(/Application\s+wave\s+seeding\s+run 1\s+run 2\s+run 3/);
    expect(text).toMatch(/cert-manager\s+10\s+seeded\s+none\s+\?\s+none/);
    expect(text).toContain('run 2: not measured');
  });
});
