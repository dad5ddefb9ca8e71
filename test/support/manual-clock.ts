/**
 * A clock that moves only when a test says so, for drivers that take a `Clock`: `advance` runs every
 * timer that falls due, in order, each at its own time, so a backoff or a watchdog is followed
 * step by step without real waiting.
 */
import type { Clock } from '../../installer/watch/watch-applications.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

export class ManualClock implements Clock {
  private timers: Timer[] = [];
  private seq = 0;
  private time: number;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.time + ms, seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** How many timers are scheduled. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time forward by `ms`, running each timer due by then at its own time (earliest first). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = end;
  }
}
