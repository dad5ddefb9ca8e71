/** Where a CLI run's whole output is kept (bench/work/logs/, not committed), and its last lines for errors. */
import { join } from 'node:path';
import { WORK_DIR } from './cluster.js';
import { writeCliLog, type CliRun } from './run-cli.js';

export const tail = (r: CliRun, n = 8): string =>
  r.lines
    .slice(-n)
    .map((l) => l.text)
    .join('\n');

/** Keeps the CLI's whole output with each line's arrival time and says where. */
export function keepLog(what: string, r: CliRun): string {
  const file = join(WORK_DIR, 'logs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${what}.log`);
  writeCliLog(file, r);
  return file;
}
