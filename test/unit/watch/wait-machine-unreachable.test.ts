/**
 * The wait-machine when Argo CD cannot read the fork: the root's ComparisonError says the repository is
 * not there (or the credentials are refused, or the host unknown), and waiting cannot change that, so
 * the wait fails at once with Argo CD's reason instead of after the failure grace. A condition left
 * from before the wait counts only once Argo CD has compared again. Documents captured from real Argo
 * CD (test/tools/capture-app-status.ts repo-unreachable).
 */
import { describe, expect, it } from 'vitest';
import { isRepoUnreachable } from '../../../installer/watch/assess-application.js';
import { appAt, type AppDocument } from '../../support/app-documents.js';
import { uncaptured } from '../../support/app-status-fixtures.js';
import { machine, T0 } from './wait-machine-harness.js';

const WITH_ROOT = { components: [{ name: 'a', wave: 0 }], root: 'root' };

/** The captured document as the root, compared by Argo CD `ms` after the wait started (negative: before). */
function unreachableRoot(ms: number): AppDocument {
  const doc = appAt('repo-unreachable', 'root');
  if (doc.status) doc.status.reconciledAt = new Date(T0 + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return doc;
}

describe.skipIf(uncaptured('repo-unreachable'))('wait-machine: a root whose repository Argo CD cannot read', () => {
  it("fails at once, naming the root and the repository, with Argo CD's reason", () => {
    const m = machine(WITH_ROOT);
    m.list({ a: appAt('progressing', 'a'), root: unreachableRoot(2_000) });
    const reason = m.finished()?.states.get('root')?.reason ?? '';
    expect(reason).toMatch(/^ComparisonError: .*(repository not found|authentication required)/i);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'failed', components: ['root'] }, at: 0 });
    const repo = appAt('repo-unreachable', 'root').spec?.source?.repoURL ?? '';
    expect(m.notes()).toEqual([
      `Argo CD cannot read the repository of the root Application "root" (${repo}): ${reason}. Check the URL Argo CD reads (--argocd-repo-url) and its credentials (a Secret in argocd labelled argocd.argoproj.io/secret-type: repository), then run the same command again`,
    ]);
  });

  it('allows for the cluster clock being up to 10 s behind the wait', () => {
    const m = machine(WITH_ROOT);
    m.list({ a: appAt('progressing', 'a'), root: unreachableRoot(-9_000) });
    expect(m.finished()).toMatchObject({ outcome: { kind: 'failed', components: ['root'] }, at: 0 });
  });

  it('a condition from a comparison before the wait asks Argo CD to compare again, then fails on the fresh answer', () => {
    const m = machine(WITH_ROOT);
    m.list({ a: appAt('progressing', 'a'), root: unreachableRoot(-120_000) });
    expect(m.finished()).toBeUndefined();
    expect(m.refreshes('root')).toEqual([0]);
    m.at(4_000).app('root', unreachableRoot(3_000));
    expect(m.finished()).toMatchObject({ outcome: { kind: 'failed', components: ['root'] }, at: 4_000 });
  });

  it('a stale condition that Argo CD clears on comparing again is no failure', () => {
    const m = machine(WITH_ROOT);
    m.list({ a: appAt('progressing', 'a'), root: unreachableRoot(-120_000) });
    m.at(4_000).app('root', appAt('progressing', 'root'));
    m.runUntil(100_000);
    expect(m.finished()).toBeUndefined();
  });

  it('a stale condition Argo CD never compares again fails after the grace, as any root error', () => {
    const m = machine(WITH_ROOT);
    m.list({ a: appAt('progressing', 'a'), root: unreachableRoot(-120_000) });
    m.runUntil(100_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'failed', components: ['root'] }, at: 30_000 });
  });

  it('a component (a team Application) with an unreachable repository gets the grace: it is not the fork', () => {
    const m = machine(WITH_ROOT);
    const doc = appAt('repo-unreachable', 'a');
    m.list({ a: doc, root: appAt('progressing', 'root') });
    expect(m.finished()).toBeUndefined();
    m.runUntil(100_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'failed', components: ['a'] }, at: 30_000 });
  });
});

describe('which comparison errors say the repository cannot be read', () => {
  // Words of go-git and git as Argo CD passes them on; the not-found case is also captured live above.
  it.each([
    'Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = failed to list refs: repository not found',
    'Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = failed to list refs: authentication required: Repository not found.',
    "Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = Unable to resolve 'main' to a commit SHA",
    'rpc error: code = Unknown desc = Get "https://git.example.invalid/x.git/info/refs?service=git-upload-pack": dial tcp: lookup git.example.invalid: no such host',
  ])('%s', (message) => {
    expect(isRepoUnreachable({ type: 'ComparisonError', message })).toBe(true);
  });

  it('not a path the repository lacks, nor another condition type', () => {
    const message =
      'Failed to load target state: failed to generate manifest for source 1 of 1: rpc error: code = Unknown desc = no-such-dir: app path does not exist';
    expect(isRepoUnreachable({ type: 'ComparisonError', message })).toBe(false);
    expect(isRepoUnreachable({ type: 'SyncError', message: 'repository not found' })).toBe(false);
  });

  it("not an admission webhook Argo CD v3.6's server-side diff cannot reach", () => {
    const message =
      'Failed to compare desired state to live state: failed to calculate diff: error calculating server side diff: serverSideDiff error: error running server side apply in dryrun mode for resource ClusterIssuer/kubeflow-self-signing-issuer: Internal error occurred: failed calling webhook "webhook.cert-manager.io": failed to call webhook: Post "https://cert-manager-webhook.cert-manager.svc:443/validate?timeout=30s": dial tcp 10.96.0.12:443: connect: connection refused';
    expect(isRepoUnreachable({ type: 'ComparisonError', message })).toBe(false);
  });
});
