/**
 * CLI of the local cluster (see README "Local cluster"). `up` prints build and start timings and the
 * peak memory of the process set, then the environment to use it.
 */
import { ComponentFailedError, LocalClusterError } from '../installer/systems/local-cluster/errors.js';
import { buildAll } from '../installer/systems/local-cluster/build.js';
import { argocdVersion } from '../installer/systems/local-cluster/config.js';
import { down, envLines, status, up } from '../installer/systems/local-cluster/lifecycle.js';

async function main(cmd: string | undefined): Promise<number> {
  switch (cmd) {
    case 'up': {
      const r = await up();
      for (const b of r.build.built) console.log(`build: ${b.name} ${b.seconds}s`);
      if (r.build.cached.length > 0) console.log(`build: cached ${r.build.cached.join(', ')}`);
      console.log(
        `up: ${r.upSeconds}s (${r.started.length > 0 ? `started ${r.started.join(', ')}` : 'everything was already running'})`,
      );
      console.log(`peak RSS of the process set: ${r.peakRssMiB} MiB`);
      console.log(`logs: ${r.info.logsDir}`);
      console.log(`git server: ${r.info.gitUrl}`);
      for (const l of envLines(r.info)) console.log(l);
      return 0;
    }
    case 'build': {
      // Only the binaries `up` needs, without starting anything (to build ahead, e.g. a CI cache step).
      const r = await buildAll(argocdVersion());
      if (r.cached.length > 0) console.log(`build: cached ${r.cached.join(', ')}`);
      return 0;
    }
    case 'down':
      await down();
      return 0;
    case 'status': {
      const s = status();
      for (const c of s.components)
        console.log(`${c.running ? 'running' : 'stopped'}  ${c.name}${c.pid !== undefined ? ` (pid ${c.pid})` : ''}`);
      console.log(`logs: ${s.info?.logsDir ?? '(cluster not created)'}`);
      console.log(`peak RSS of the process set: ${s.peakRssMiB} MiB`);
      return s.components.every((c) => c.running) ? 0 : 1;
    }
    case 'env': {
      const s = status();
      if (!s.info) {
        console.error('no local cluster; run: scripts/local-cluster up');
        return 1;
      }
      for (const l of envLines(s.info)) console.log(l);
      return 0;
    }
    default:
      console.error('usage: scripts/local-cluster up|build|down|status|env');
      return 2;
  }
}

try {
  process.exitCode = await main(process.argv[2]);
} catch (e) {
  if (e instanceof ComponentFailedError || e instanceof LocalClusterError) {
    console.error(e.message);
    process.exitCode = 1;
  } else {
    throw e;
  }
}
