/**
 * Entry point of the local cluster's git server (started by `scripts/local-cluster up` as a background
 * process): forks under `forks/`, which need the token (read from a 0600 file so it never shows up in
 * `ps`), and, readable by anyone at github.com-like paths, whatever upstream mirrors and release files
 * are laid out in the state's git root and files folder. It starts with none and needs no upstream
 * data: the tests lay out their offline mirrors of github.com when they ask for them.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGitHttpServer } from '../support/git-http-server.js';
import { FORKS_OWNER, PUBLIC_GIT_PREFIXES, ports, statePaths } from './config.js';

const paths = statePaths();
mkdirSync(join(paths.gitRoot, FORKS_OWNER), { recursive: true });
const server = await startGitHttpServer({
  gitRoot: paths.gitRoot,
  fileRoot: paths.gitFiles,
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
