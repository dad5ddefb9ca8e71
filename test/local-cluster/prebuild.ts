/**
 * Global setup of the cluster tier. Vitest runs it as the whole run starts, while the tier's first file
 * starts only after the unit and integration tiers (about 15 min): on a machine without the binaries (a
 * fresh CI machine, 13-19 min of Go builds) the build starts now, at the lowest CPU priority so the
 * other tiers keep their pace, and the tier's first `up` takes the build lock and waits for the rest.
 * On a warm machine the build finds every stamp fresh and exits at once. Its output goes to
 * <cache>/build-logs/prebuild.log; a failed build is reported by the tier's own `up`, which builds again.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../support/fixtures.js';
import { goAvailable } from './build.js';
import { cacheDir } from './config.js';

export default function setup(): () => void {
  if (process.env.KFG_PREBUILD === '0' || !goAvailable()) return () => undefined;
  const logs = join(cacheDir(), 'build-logs');
  mkdirSync(logs, { recursive: true });
  const out = openSync(join(logs, 'prebuild.log'), 'w');
  const child = spawn(
    'nice',
    ['-n', '19', process.execPath, '--import', 'tsx', join('scripts', 'local-cluster.ts'), 'build'],
    { cwd: projectRoot, stdio: ['ignore', out, out], detached: true },
  );
  closeSync(out);
  child.on('error', () => undefined);
  // Every cluster file has run by teardown; a build still going means the run was cut short.
  return () => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  };
}
