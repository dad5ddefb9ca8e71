/**
 * The child Applications the install waits for, read from a fork's kubeflow-apps/ the way Argo CD's
 * directory source reads it: multi-document YAML, `kind: List` items and `.json` files count; other
 * kinds, other namespaces, subfolders and other file types do not.
 */
import { describe, expect, it } from 'vitest';
import { readForkApplications } from '../../../installer/steps/read-fork-files.js';
import { inWaveOrder } from '../../../installer/plan/install-applications.js';
import { writeTree } from '../../support/temp-tree.js';

const app = (name: string, extra = '') =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\n${extra}spec: {}\n`;

describe('readForkApplications', () => {
  it('reads every Application Argo CD would deploy from kubeflow-apps/', async () => {
    const listItem = (name: string) =>
      `- apiVersion: argoproj.io/v1alpha1\n  kind: Application\n  metadata: {name: ${name}, namespace: argocd}\n  spec: {}\n`;
    const dir = writeTree({
      'kubeflow-apps/katib.yaml': app('katib', '  annotations: {argocd.argoproj.io/sync-wave: "3"}\n'),
      'kubeflow-apps/team.yaml': `${app('team-a')}---\n# a comment only\n---\n${app('team-b', '  namespace: argocd\n')}`,
      'kubeflow-apps/team-list.yml': `apiVersion: v1\nkind: List\nitems:\n${listItem('list-a')}${listItem('list-b')}`,
      'kubeflow-apps/team.json': JSON.stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: 'json-app' },
        spec: {},
      }),
      'kubeflow-apps/json-list.json': JSON.stringify({
        kind: 'List',
        items: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'json-item' } }],
      }),
      // Not children of the root: another namespace, another kind, a subfolder, not YAML or JSON.
      'kubeflow-apps/elsewhere.yaml': app('katib', '  namespace: team-ns\n'),
      'kubeflow-apps/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
      'kubeflow-apps/appset.yaml': 'apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: s}\n',
      'kubeflow-apps/root/kubeflow.yaml': app('kubeflow'),
      'kubeflow-apps/README.md': app('readme'),
      'kubeflow-apps/empty.yaml': '',
    });
    const apps = await readForkApplications(dir);
    expect(apps.map((a) => a.metadata?.name).sort()).toEqual([
      'json-app',
      'json-item',
      'katib',
      'list-a',
      'list-b',
      'team-a',
      'team-b',
    ]);
    expect(inWaveOrder(apps).at(-1)).toEqual({ name: 'katib', wave: 3 });
  });

  it('names a file with a syntax error: exit 2, the file and where', async () => {
    const dir = writeTree({ 'kubeflow-apps/broken.yaml': `${app('ok')}---\nmetadata: {name: [x\n` });
    await expect(readForkApplications(dir)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/^kubeflow-apps\/broken\.yaml: YAML syntax error: .*line \d+/s) as unknown,
    });
  });
});
