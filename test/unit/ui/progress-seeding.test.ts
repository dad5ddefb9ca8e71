import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressReporter } from '../../../installer/ui/progress.js';

describe('progress: what seeding did', () => {
  it('is one seed event per component with --output json, with when a sync window opens', () => {
    const out = new PassThrough();
    // Every chunk written, not what one read() returns (one chunk at a time on Node 24+).
    let written = '';
    out.on('data', (chunk: Buffer) => {
      written += chunk.toString('utf8');
    });
    const reporter = createProgressReporter('json', out, new PassThrough());
    reporter.seeding({
      seeded: ['cert-manager'],
      left: [
        { component: 'istio', reason: 'AppProject default does not permit the destination namespace istio-system' },
        { component: 'dex', reason: 'sync window', window: { opensAt: Date.parse('2026-12-06T00:00:00Z') } },
      ],
    });
    const events = written
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map(({ time: _, ...e }) => e)).toEqual([
      { event: 'seed', component: 'cert-manager', seeded: true },
      {
        event: 'seed',
        component: 'istio',
        seeded: false,
        reason: 'AppProject default does not permit the destination namespace istio-system',
      },
      {
        event: 'seed',
        component: 'dex',
        seeded: false,
        reason: 'sync window',
        syncWindowOpensAt: '2026-12-06T00:00:00.000Z',
      },
    ]);
  });
});
