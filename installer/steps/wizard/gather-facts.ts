/**
 * The wizard's facts from the real world: kubeconfig contexts, a read-only look at the chosen
 * cluster (version, nodes, Argo CD), `git ls-remote` for a fork, and the local disk.
 */
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_BRANCH } from '../../core/constants.js';
import type { Deps } from '../../deps.js';
import { clusterChoice } from '../../inputs/cluster-choice.js';
import { explainTarget } from '../../preflight/detect-target.js';
import { readNodes } from '../../preflight/nodes.js';
import { detectArgoCd } from '../../systems/argocd.js';
import { listContexts } from '../../systems/kube.js';
import type { WizardFacts } from './facts.js';

export function createWizardFacts(deps: Deps, kubeconfig: string | undefined): WizardFacts {
  return {
    contexts: listContexts(kubeconfig),
    async cluster(context) {
      const kube = deps.kube(clusterChoice({ kubeconfig, context }));
      const version = await kube.version();
      const nodes = await readNodes(kube);
      return {
        context,
        server: kube.target.server,
        version: version.gitVersion,
        minor: version.minor !== undefined ? Number.parseInt(version.minor, 10) : undefined,
        detected: explainTarget(nodes),
        allocatable: {
          cpuMillis: nodes.reduce((a, n) => a + n.cpuMillis, 0),
          memoryMiB: nodes.reduce((a, n) => a + n.memoryMiB, 0),
          nodes: nodes.length,
        },
        argocd: await detectArgoCd(kube),
      };
    },
    // Reachability and credentials are what matter here; the branch may not exist yet.
    async probeRemote(url, auth) {
      await deps.git.remoteBranchSha(url, DEFAULT_BRANCH, auth);
    },
    pathKind(path) {
      const abs = resolve(path);
      if (!existsSync(abs)) return 'missing';
      if (!statSync(abs).isDirectory()) return 'other';
      return existsSync(join(abs, 'HEAD')) || existsSync(join(abs, '.git')) ? 'repository' : 'other';
    },
    fileExists: (path) => existsSync(path),
    env: deps.env,
    homeDir: homedir(),
  };
}
