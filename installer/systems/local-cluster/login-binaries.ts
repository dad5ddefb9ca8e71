/**
 * The login proof's real programs, built from the Go module proxy the way the cluster's binaries are
 * (wrapper modules in go/oauth2-proxy and go/mockoidc, stamps, the build lock, the shared bin folder):
 * oauth2-proxy at a newer patch than Kubeflow pins (26.03.1 pins v7.15.2; the proxy serves v7.15.6),
 * and mockoidc, the OpenID provider oauth2-proxy's own tests use, behind a small main (go/mockoidc).
 * Dex is not served by the module proxy, so the Dex-connector mode is checked against Dex's
 * documented schema instead of a running Dex.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { binDir, goModulesDir } from './config.js';
import { buildTargets, type BuildReport, type Target } from './build.js';

export const LOGIN_VERSIONS = {
  'oauth2-proxy': 'v7.15.6',
  // Not tagged: the pseudo-version go.mod pins (go/mockoidc/go.mod).
  mockoidc: 'v0.0.0-20261103160011-e06ed0b7cb7f',
} as const;

function moduleFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

export function loginTargets(): Target[] {
  const o2p = join(goModulesDir, 'oauth2-proxy');
  const mock = join(goModulesDir, 'mockoidc');
  return [
    {
      name: 'oauth2-proxy',
      bin: binDir(),
      pkg: 'github.com/oauth2-proxy/oauth2-proxy/v7',
      version: LOGIN_VERSIONS['oauth2-proxy'],
      // oauth2-proxy reports this in its version line and /metrics.
      ldflags: `-s -w -X github.com/oauth2-proxy/oauth2-proxy/v7/pkg/version.VERSION=${LOGIN_VERSIONS['oauth2-proxy']}`,
      inputs: moduleFiles(o2p),
      dir: () => o2p,
    },
    {
      name: 'mockoidc',
      bin: binDir(),
      pkg: '.',
      version: LOGIN_VERSIONS.mockoidc,
      ldflags: '-s -w',
      inputs: moduleFiles(mock),
      dir: () => mock,
    },
  ];
}

/** Builds both when stale; their paths. */
export async function buildLoginBinaries(
  log: (msg: string) => void = console.log,
): Promise<{ oauth2Proxy: string; mockoidc: string; report: BuildReport }> {
  const report = await buildTargets(loginTargets(), log);
  return { oauth2Proxy: join(binDir(), 'oauth2-proxy'), mockoidc: join(binDir(), 'mockoidc'), report };
}
