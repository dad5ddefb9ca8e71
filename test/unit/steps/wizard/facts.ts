/** Facts and given settings for wizard tests: a kind cluster with room, reachable git, nothing on disk. */
import { mergeSettings, type MergedSettings } from '../../../../installer/inputs/merge-settings.js';
import { parseConfigText } from '../../../../installer/inputs/config-file.js';
import type { Settings } from '../../../../installer/inputs/settings.js';
import type { ClusterFacts, WizardFacts } from '../../../../installer/steps/wizard/facts.js';

export const KIND: ClusterFacts = {
  context: 'kind-kubeflow',
  server: 'https://127.0.0.1:6443',
  version: 'v1.34.4',
  minor: 34,
  detected: { target: 'kind', why: 'node providerID kind://' },
  allocatable: { cpuMillis: 8000, memoryMiB: 16384, nodes: 1 },
  argocd: { present: true, version: 'v3.2.12', appHealthCheck: false, persistsHealth: false },
};

export interface FakeFacts extends WizardFacts {
  probed: string[];
}

export function fakeFacts(
  over: Partial<WizardFacts> & { clusters?: Record<string, ClusterFacts | Error> } = {},
): FakeFacts {
  const clusters = over.clusters ?? {
    'kind-kubeflow': KIND,
    prod: {
      ...KIND,
      context: 'prod',
      server: 'https://prod.example.com',
      detected: { target: 'eks', why: 'node providerID aws://' },
    },
  };
  const probed: string[] = [];
  return {
    contexts: [
      { name: 'kind-kubeflow', server: 'https://127.0.0.1:6443', current: true },
      { name: 'prod', server: 'https://prod.example.com', current: false },
    ],
    cluster: (name) => {
      const c = clusters[name];
      return c instanceof Error
        ? Promise.reject(c)
        : c
          ? Promise.resolve(c)
          : Promise.reject(new Error(`no cluster ${name}`));
    },
    probeRemote: (url) => {
      probed.push(url);
      return Promise.resolve();
    },
    pathKind: () => 'missing',
    fileExists: () => false,
    env: {},
    homeDir: '/home/me',
    ...over,
    probed,
  };
}

/** Given settings as if from a config file (origins say install.yaml:<line>). */
export function given(values: Settings = {}, env: NodeJS.ProcessEnv = {}): MergedSettings {
  const yaml = Object.entries(values)
    .map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${JSON.stringify(v)}`)
    .join('\n');
  return mergeSettings({ config: yaml ? parseConfigText(yaml, 'install.yaml') : undefined, env, flags: {} });
}
