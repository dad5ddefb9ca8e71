/** Preflight checks in words: one line per check for the log and for `doctor`, and the failure message. */
import type { Check } from './check.js';

const SYMBOL: Record<Check['status'], string> = { ok: '✔', warn: '!', fail: '✗' };

/** `✔ api: … — fix: …`, as install, apply and upgrade log each check. */
export function checkLogLine(c: Check): string {
  return `${SYMBOL[c.status]} ${c.name}: ${c.message}${c.fix ? ` — fix: ${c.fix}` : ''}`;
}

/** `doctor`'s text output: the fix on its own indented line. */
export function checkReportLines(c: Check): string {
  return `${SYMBOL[c.status]} ${c.name}: ${c.message}${c.fix ? `\n    fix: ${c.fix}` : ''}\n`;
}

/** Why a run stops before its first change: every failed check with its fix. */
export function preflightFailure(context: string, checks: readonly Check[], unchanged: string): string {
  const failed = checks
    .filter((c) => c.status === 'fail')
    .map((c) => `  - ${c.message}${c.fix ? ` (fix: ${c.fix})` : ''}`);
  return `preflight failed for context "${context}"; ${unchanged}:\n${failed.join('\n')}`;
}

/** `doctor`'s report: where, then one entry per check. */
export function doctorReport(
  target: { context: string; server: string },
  r: { ok: boolean; checks: readonly Check[] },
  output: 'text' | 'json',
): string {
  if (output === 'json')
    return `${JSON.stringify({ context: target.context, server: target.server, ok: r.ok, checks: r.checks }, null, 2)}\n`;
  return [`context "${target.context}" (${target.server})\n`, ...r.checks.map(checkReportLines)].join('');
}
