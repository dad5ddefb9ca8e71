/**
 * The report's answer to "did Argo CD sync anything after seeding?": one row per Application, one
 * column per installer run, each cell Argo CD's last sync operation on it (or none). Pure.
 */
import { ROOT_APP_NAME } from '../../../installer/core/constants.js';
import { renderTable } from './format.js';
import type { InstallerResult } from './installer-result.js';
import { operationsVerdict, type OperationSummary } from './operation-state.js';

/** One cell: `none` (Argo CD only compared it), or the operation's phase, resources, outcomes and start. */
export function operationCell(s: OperationSummary | undefined): string {
  if (s === undefined) return '?';
  const op = s.operation;
  if (op === undefined) return s.history > 0 ? `none now, ${s.history} in history` : 'none';
  const outcomes = Object.entries(op.outcomes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const by = op.initiatedBy === 'automated' ? 'auto' : (op.initiatedBy ?? '?');
  return (
    `${op.phase ?? '?'} ${op.resources} res${outcomes ? ` (${outcomes})` : ''}` +
    ` @${op.startedAtSeconds ?? '?'}s ${by}${op.atPushedRevision ? '' : ` rev ${(op.revision ?? '?').slice(0, 7)}`}` +
    (s.history > 1 ? `, ${s.history} syncs` : '')
  );
}

const seedingCell = (rows: readonly (OperationSummary | undefined)[]): string => {
  const kinds = new Set(rows.filter((r) => r !== undefined).map((r) => r.seeding));
  const left = rows.find((r) => r?.seeding === 'left');
  if (kinds.size > 1) return 'differs';
  if (left) return `left: ${left.leftBecause ?? '?'}`;
  return [...kinds][0] ?? '?';
};

export function renderOperations(title: string, runs: readonly (InstallerResult | undefined)[]): string[] {
  const measured = runs.filter((r): r is InstallerResult => r?.operations !== undefined);
  if (measured.length === 0) return [];
  const names: string[] = [];
  for (const r of measured) for (const o of r.operations ?? []) if (!names.includes(o.name)) names.push(o.name);
  const cellsOf = (name: string) => runs.map((r) => r?.operations?.find((o) => o.name === name));
  const rows = names.map((name) => {
    const cells = cellsOf(name);
    const wave = cells.find((c) => c !== undefined)?.wave;
    const seeding = name === ROOT_APP_NAME ? '(root)' : seedingCell(cells);
    return [name, wave === undefined ? '' : String(wave), seeding, ...cells.map(operationCell)];
  });
  return [
    '',
    `${title}: each Application's last sync operation after the install (none: Argo CD ran none, it only compared; res: resources in its result; @: start, s from the installer's start)`,
    renderTable([['Application', 'wave', 'seeding', ...runs.map((_, i) => `run ${i + 1}`)], ...rows]),
    ...runs.map((r, i) => `   run ${i + 1}: ${r?.operations ? operationsVerdict(r.operations) : 'not measured'}`),
  ];
}
