import type { SyncWindow } from '../../../installer/core/argocd-documents.js';
import { describe, expect, it } from 'vitest';
import {
  autoSyncVerdict,
  durationMs,
  matchingWindows,
  offsetMs,
  robfigAccepts,
} from '../../../installer/plan/sync-windows.js';

const app = {
  name: 'cert-manager',
  destination: { server: 'https://kubernetes.default.svc', namespace: 'cert-manager' },
};
const at = (iso: string) => Date.parse(iso);

describe('matchingWindows (SyncWindows.Matches)', () => {
  const w = (extra: Partial<SyncWindow>): SyncWindow => ({
    kind: 'deny',
    schedule: '0 22 * * *',
    duration: '1h',
    ...extra,
  });
  it('matches any of applications, clusters or namespaces by glob, all of them with andOperator', () => {
    expect(matchingWindows([w({ applications: ['cert-*'] })], app)).toHaveLength(1);
    expect(matchingWindows([w({ applications: ['istio'] })], app)).toHaveLength(0);
    expect(matchingWindows([w({ applications: ['istio'], namespaces: ['cert-manager'] })], app)).toHaveLength(1);
    expect(matchingWindows([w({ clusters: ['https://kubernetes.*'] })], app)).toHaveLength(1);
    expect(
      matchingWindows([w({ applications: ['istio'], namespaces: ['cert-manager'], andOperator: true })], app),
    ).toHaveLength(0);
    expect(
      matchingWindows([w({ applications: ['cert-manager'], namespaces: ['*'], andOperator: true })], app),
    ).toHaveLength(1);
    // A window naming nothing applies to nothing.
    expect(matchingWindows([w({})], app)).toHaveLength(0);
  });
});

describe('autoSyncVerdict (SyncWindows.CanSync for an automated sync)', () => {
  it('is closed while a deny window is active, and says when it opens', () => {
    const deny: SyncWindow = { kind: 'deny', schedule: '0 22 * * *', duration: '2h', applications: ['*'] };
    expect(autoSyncVerdict([deny], at('2026-12-05T21:59:00Z'))).toEqual({ kind: 'open' });
    expect(autoSyncVerdict([deny], at('2026-12-05T23:00:00Z'))).toMatchObject({
      kind: 'closed',
      opensAt: at('2026-12-06T00:00:00Z'),
    });
    // manualSync only lets manual syncs through.
    expect(autoSyncVerdict([{ ...deny, manualSync: true }], at('2026-12-05T23:00:00Z')).kind).toBe('closed');
  });

  it('is closed outside every allow window, open inside one; a deny wins over an allow', () => {
    const allow: SyncWindow = { kind: 'allow', schedule: '0 9 * * 1-5', duration: '8h', applications: ['*'] };
    // Saturday 2026-12-05: the next allow window starts Monday 09:00.
    expect(autoSyncVerdict([allow], at('2026-12-05T10:00:00Z'))).toMatchObject({
      kind: 'closed',
      opensAt: at('2026-12-07T09:00:00Z'),
    });
    expect(autoSyncVerdict([allow], at('2026-12-07T10:00:00Z'))).toEqual({ kind: 'open' });
    const deny: SyncWindow = { kind: 'deny', schedule: '0 12 * * *', duration: '1h', applications: ['*'] };
    expect(autoSyncVerdict([allow, deny], at('2026-12-07T12:30:00Z'))).toMatchObject({
      kind: 'closed',
      opensAt: at('2026-12-07T13:00:00Z'),
    });
  });

  it('reads the schedule on the wall clock of the window time zone', () => {
    // 22:00 in Berlin is 21:00 UTC in December.
    const deny: SyncWindow = {
      kind: 'deny',
      schedule: '0 22 * * *',
      duration: '1h',
      timeZone: 'Europe/Berlin',
      applications: ['*'],
    };
    expect(autoSyncVerdict([deny], at('2026-12-05T21:30:00Z'))).toMatchObject({
      kind: 'closed',
      opensAt: at('2026-12-05T22:00:00Z'),
    });
    expect(autoSyncVerdict([deny], at('2026-12-05T22:30:00Z'))).toEqual({ kind: 'open' });
    expect(offsetMs('Europe/Berlin', at('2026-07-01T00:00:00Z'))).toBe(2 * 3600_000);
    // An unknown zone is UTC, as time.LoadLocation's failure is in Argo CD.
    expect(offsetMs('Mars/Olympus', at('2026-07-01T00:00:00Z'))).toBe(0);
  });

  it('says a window Argo CD cannot parse keeps it from syncing', () => {
    for (const schedule of ['@daily', '5 4 * * 7', '* * * * * *', '0 0 L * *', 'TZ=UTC 0 0 * * *'])
      expect(autoSyncVerdict([{ kind: 'deny', schedule, duration: '1h', applications: ['*'] }], 0).kind).toBe(
        'invalid',
      );
    expect(
      autoSyncVerdict([{ kind: 'deny', schedule: '0 0 * * *', duration: '1 hour', applications: ['*'] }], 0).kind,
    ).toBe('invalid');
  });
});

describe('the cron and duration grammars Argo CD uses', () => {
  it('accepts what robfig/cron standard parser accepts', () => {
    for (const s of ['*/15 * * * *', '0 9 1-7 * SUN', '0 0 * JAN,JUL mon', '1/5 * * * *', '0 9 ? * *'])
      expect(robfigAccepts(s)).toBe(true);
    for (const s of ['60 * * * *', '0 24 * * *', '0 0 0 * *', '0 0 * 13 *', '*/0 * * * *', '0 0 1W * *'])
      expect(robfigAccepts(s)).toBe(false);
  });
  it('parses durations as time.ParseDuration', () => {
    expect(durationMs('1h30m')).toBe(5_400_000);
    expect(durationMs('1.5h')).toBe(5_400_000);
    expect(durationMs('0')).toBe(0);
    expect(durationMs('90')).toBeUndefined();
    expect(durationMs('')).toBeUndefined();
  });
});
