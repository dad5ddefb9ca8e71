/**
 * Entry point of the local cluster's git server (started by `up` as a background process). It serves
 * the bare repositories under the state's git/ folder and the files under its files/ folder at
 * github.com-like paths: `forks/*` needs the token, which is read from a 0600 file so it never shows
 * up in `ps`; repositories under the public prefixes (the mirrors of github.com that tests lay out
 * there) are readable without it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGitHttpServer } from './git-http-server.js';
import { FORKS_OWNER, PUBLIC_GIT_PREFIXES, ports, statePaths } from './config.js';

const paths = statePaths();
mkdirSync(join(paths.gitRoot, FORKS_OWNER), { recursive: true });
const server = await startGitHttpServer({
  gitRoot: paths.gitRoot,
  fileRoot: paths.files,
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
