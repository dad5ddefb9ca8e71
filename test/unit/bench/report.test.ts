import { describe, expect, it } from 'vitest';
import type { Results } from '../../tools/bench/results.js';
import { summarize } from '../../tools/bench/stats.js';
import { renderReport, renderTable } from '../../tools/bench/table.js';

const machine = { cpus: 2, cpuModel: 'test', memoryGiB: 24, node: 'v20', kernel: '6' };

describe('bench report', () => {
  it('aligns table columns', () => {
    expect(
      renderTable([
        ['a', 'bb'],
        ['ccc', 'd'],
      ]),
    ).toBe('a    bb\n---  --\nccc  d');
  });

  it('renders a results file that holds only some measurements (an interrupted or partial run)', () => {
    const r: Results = {
      version: 2,
      machine,
      options: {},
      runs: 3,
      context: { latency: { startedAt: 't0', loadBefore: [1, 1, 1], error: 'boom\nstack' } },
      repeated: {},
    };
    const text = renderReport(r);
    expect(text).toContain('2 CPUs');
    expect(text).toContain('FAILED: boom');
    expect(text).not.toContain('Detection latency');
  });

  it('shows the latency percentiles', () => {
    const s = summarize(Array.from({ length: 200 }, (_, i) => i + 1));
    const r: Results = {
      version: 2,
      machine,
      options: {},
      runs: 3,
      context: {},
      repeated: {},
      latency: {
        changes: 200,
        lost: 0,
        warmup: 10,
        apps: 20,
        gapMs: 25,
        responseToEventMs: s,
        sendToEventMs: s,
        patchRoundTripMs: s,
        eventBeforeResponse: 0,
        watch: { lists: 1, watches: 1, restarts: 0 },
        watcherRequests: {},
        samples: { responseToEventMs: [], sendToEventMs: [] },
        clusterState: 'idle',
      },
    };
    expect(renderReport(r)).toMatch(/PATCH sent → installer event \(upper bound\)\s+100\s+190\s+200/);
  });
});
