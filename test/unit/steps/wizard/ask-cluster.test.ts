import { describe, expect, it } from 'vitest';
import { ExitCode, UserError } from '../../../../installer/core/errors.js';
import { askContext, askTarget } from '../../../../installer/steps/wizard/ask-cluster.js';
import { accept, choose, scriptedPrompter } from '../../../support/inquirer-script.js';
import { fakeFacts, given, KIND } from './facts.js';

describe('question 1: Kubernetes context', () => {
  it('preselects the current context, lists the others with their servers, and shows the chosen cluster', async () => {
    const s = scriptedPrompter([accept(/Kubernetes context/)]);
    const cluster = await askContext(given(), fakeFacts(), s.prompter);
    expect(cluster.context).toBe('kind-kubeflow');
    expect(s.screens[0]).toMatch(/❯ kind-kubeflow {2}https:\/\/127\.0\.0\.1:6443 {2}\(current\)/);
    expect(s.screens[0]).toContain('prod  https://prod.example.com');
    expect(s.notes[0]).toBe(
      '  https://127.0.0.1:6443: Kubernetes v1.34.4, 1 node(s) with 8.0 CPU and 16.0 GiB allocatable',
    );
  });

  it('a context not in the kubeconfig is caught: said so, then asked', async () => {
    const s = scriptedPrompter([choose(/Kubernetes context/, 1)]);
    const cluster = await askContext(given({ context: 'staging' }), fakeFacts(), s.prompter);
    expect(s.notes[0]).toBe(
      '✗ context "staging" (from install.yaml:1 (key context)) is not in the kubeconfig; choose one of its contexts',
    );
    expect(cluster.context).toBe('prod');
  });

  it('a cluster that cannot be read is caught at the question and asked again', async () => {
    const s = scriptedPrompter([
      choose(/Kubernetes context/, 1),
      {
        ask: /Kubernetes context/,
        act: (ui) => {
          expect(ui.screen()).toContain('❯ prod');
          ui.press('up', 'enter');
        },
      },
    ]);
    const facts = fakeFacts({ clusters: { prod: new Error('connect ECONNREFUSED'), 'kind-kubeflow': KIND } });
    expect((await askContext(given(), facts, s.prompter)).context).toBe('kind-kubeflow');
    expect(s.notes[0]).toContain('✗ the cluster of context "prod" cannot be read: connect ECONNREFUSED');
  });

  it('a given context is not asked; if its cluster cannot be read that is a preflight error', async () => {
    const s = scriptedPrompter([]);
    expect((await askContext(given({ context: 'prod' }), fakeFacts(), s.prompter)).context).toBe('prod');
    expect(s.notes[0]).toBe('✔ Kubernetes context: prod (from install.yaml:1 (key context))');
    const err = await askContext(
      given({ context: 'prod' }),
      fakeFacts({ clusters: { prod: new Error('401') } }),
      s.prompter,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(ExitCode.preflight);
  });
});

describe('question 2: cluster type', () => {
  it('defaults to the detected type and says why; the test control plane is offered only when detected', async () => {
    const s = scriptedPrompter([accept(/Cluster type \(detected: kind, from node providerID kind:\/\/;/)]);
    expect(await askTarget(given(), KIND, s.prompter)).toBe('kind');
    expect(s.screens[0]).toMatch(/❯ kind {6}kind \(Kubernetes in Docker\) on a workstation {2}\(detected\)/);
    expect(s.screens[0]).not.toContain('local ');
    const other = scriptedPrompter([choose(/Cluster type/, 3)]);
    expect(await askTarget(given(), KIND, other.prompter)).toBe('eks');
  });

  it('a given type is shown with a warning when the nodes say otherwise', async () => {
    const s = scriptedPrompter([]);
    expect(await askTarget(given({ target: 'gke' }), KIND, s.prompter)).toBe('gke');
    expect(s.notes).toEqual([
      '✔ Cluster type: gke (from install.yaml:1 (key target))',
      '  ! the cluster looks like kind (node providerID kind://)',
    ]);
  });
});
