/**
 * Entry point of the local cluster's git server (started by `scripts/local-cluster up` as a background
 * process). Upstream mirrors are public-readable at github.com-like paths; `forks/*` needs the token,
 * which is read from a 0600 file so it never shows up in `ps`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureFileRoot, prepareUpstreamRepos } from '../support/fixtures.js';
import { startGitHttpServer } from './git-http-server.js';
import { FORKS_OWNER, PUBLIC_GIT_PREFIXES, ports, statePaths } from './config.js';

const paths = statePaths();
await prepareUpstreamRepos(paths.gitRoot);
mkdirSync(join(paths.gitRoot, FORKS_OWNER), { recursive: true });
const server = await startGitHttpServer({
  gitRoot: paths.gitRoot,
  fileRoot: fixtureFileRoot,
  token: readFileSync(paths.gitToken, 'utf8').trim(),
  publicPrefixes: PUBLIC_GIT_PREFIXES,
  port: ports().git,
});
console.log(`git server listening on ${server.url} (root ${paths.gitRoot})`);

const stop = () => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
