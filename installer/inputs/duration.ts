/** Durations as flags and config files give them: 90s, 20m, 1h, 500ms. */
import { UserError } from '../core/errors.js';

export function duration(v: unknown, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(typeof v === 'string' ? v : '');
  if (!m) throw new UserError(`${flag} "${String(v)}" is not a duration like 90s, 20m or 1h`);
  return Number.parseFloat(m[1] ?? '0') * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}
