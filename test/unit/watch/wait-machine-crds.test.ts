/**
 * The wait-machine and CRDs Argo CD reports as not established: its cluster cache falls minutes behind
 * their status while many are created at once, so the API server is asked (until it says Established,
 * then never again) and Argo CD is nudged meanwhile.
 */
import { describe, expect, it } from 'vitest';
import { crdNotEstablished } from '../../support/app-documents.js';
import { machine } from './wait-machine-harness.js';

const CRD = 'widgets.example.org';

describe('wait-machine: a component Degraded only on its CRDs', () => {
  it('asks the API server, and fails after the grace when the CRD is not Established there either', () => {
    const m = machine();
    m.list({ a: crdNotEstablished('a', CRD) });
    expect(m.of('check-crds')).toEqual([{ kind: 'check-crds', component: 'a', generation: 1, crds: [CRD] }]);
    m.at(1_000).answerCrds(() => false);
    expect(m.refreshes('a')).toEqual([0, 1]);
    m.runUntil(100_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'failed', components: ['a'] }, at: 31_000 });
  });

  it('waits (noting it once) when the API server has it Established, and never asks about it again', () => {
    const m = machine({ componentTimeoutMs: 300_000 });
    m.list({ a: crdNotEstablished('a', CRD) });
    m.at(1_000).answerCrds(() => true);
    m.runUntil(10_000).app('a', crdNotEstablished('a', CRD));
    expect(m.of('check-crds').at(-1)?.crds).toEqual([]);
    m.answerCrds(() => true);
    m.runUntil(20_000).app('a', crdNotEstablished('a', 'gadgets.example.org'));
    expect(m.of('check-crds').at(-1)?.crds).toEqual(['gadgets.example.org']);
    m.answerCrds(() => true);
    expect(m.notes()).toEqual([
      `a: Argo CD still reports ${CRD} as not ready, but the API server has them Established; waiting for Argo CD to catch up`,
    ]);
    m.runUntil(400_000);
    expect(m.finished()).toMatchObject({ outcome: { kind: 'timeout', components: ['a'] }, at: 300_000 });
  });

  it('an Established answer clears a failure its earlier answer started', () => {
    const m = machine({ componentTimeoutMs: 120_000 });
    m.list({ a: crdNotEstablished('a', CRD) });
    m.answerCrds(() => false);
    m.runUntil(20_000).app('a', crdNotEstablished('a', CRD));
    m.answerCrds(() => true);
    m.runUntil(200_000);
    expect(m.finished()?.outcome).toEqual({ kind: 'timeout', components: ['a'] });
  });

  it('keeps what an answer about an older state says about the CRD, but not its verdict', () => {
    const m = machine();
    m.list({ a: crdNotEstablished('a', CRD) });
    const first = m.of('check-crds')[0];
    m.app('a', crdNotEstablished('a', CRD, 'Progressing'));
    m.send({
      kind: 'crds',
      component: 'a',
      generation: first?.generation ?? 0,
      results: [{ name: CRD, established: true }],
    });
    expect(m.notes()).toEqual([]);
    expect(m.state.established.has(CRD)).toBe(true);
  });

  it('nudges Argo CD while a component waits only on stale CRD state, backing off', () => {
    const m = machine();
    m.list({ a: crdNotEstablished('a', CRD, 'Progressing') });
    m.runUntil(150_000);
    expect(m.refreshes('a')).toEqual([0, 20, 60, 140]);
    expect(m.of('check-crds')).toEqual([]);
  });

  it('with no grace (status without --watch) the check has not answered yet: the component is pending', () => {
    const m = machine({ componentTimeoutMs: 0, overallTimeoutMs: 0, failureGraceMs: 0 });
    m.list({ a: crdNotEstablished('a', CRD) });
    expect(m.finished()?.outcome).toEqual({ kind: 'timeout', components: ['a'] });
  });
});
