/**
 * Exit 3 means "nothing was changed": the rule in ui/report-error.ts, fed the errors the systems
 * raise and a change log like the one they write.
 */
import { describe, expect, it } from 'vitest';
import { createChangeLog } from '../../../installer/core/changes.js';
import { ExitCode, ExternalError, InterruptedError, UserError } from '../../../installer/core/errors.js';
import { KubeApiError } from '../../../installer/systems/kube.js';
import { exitCodeAfter, reportError } from '../../../installer/ui/report-error.js';

function capture() {
  let text = '';
  return {
    stream: { write: (s: string) => ((text += s), true) } as unknown as NodeJS.WritableStream,
    text: () => text,
  };
}

const forbidden = () =>
  new KubeApiError(403, 'Forbidden', 'watch applications.argoproj.io in namespace argocd: applications is forbidden');
const unreachable = () =>
  new ExternalError(
    'cannot reach the Kubernetes API at https://127.0.0.1:1 (context x) to list nodes: ECONNREFUSED',
    ExitCode.preflight,
  );
const preflightFailed = () => new UserError('preflight failed in context "x"; nothing was changed', ExitCode.preflight);

const changed = () => {
  const log = createChangeLog();
  log.record('context "x" (https://127.0.0.1:6443)', 'apply configmaps argocd/kubeflow-gitops-install');
  log.record('context "x" (https://127.0.0.1:6443)', 'apply secrets argocd/repo');
  log.record('context "x" (https://127.0.0.1:6443)', 'apply applications.argoproj.io argocd/kubeflow');
  log.record('the fork https://git.example/me/manifests.git', 'pushed branch kubeflow-gitops');
  return log;
};

describe('exit 3 only while nothing was changed', () => {
  it('before any change, a refusal, an unreachable API server and a failed preflight exit 3', () => {
    for (const err of [forbidden(), unreachable(), preflightFailed()]) {
      const out = capture();
      expect(reportError(err, out.stream, createChangeLog())).toBe(ExitCode.preflight);
      expect(out.text()).not.toContain('this run had changed');
    }
  });

  it('after a change, the same errors exit 1 and say what was changed, first and last', () => {
    for (const err of [forbidden(), unreachable(), preflightFailed()]) {
      const out = capture();
      expect(reportError(err, out.stream, changed())).toBe(ExitCode.failure);
      expect(out.text()).toContain('before it stopped, this run had changed:');
      expect(out.text()).toContain(
        'context "x" (https://127.0.0.1:6443): 3 changes (apply configmaps argocd/kubeflow-gitops-install, …1 more…, apply applications.argoproj.io argocd/kubeflow)',
      );
      expect(out.text()).toContain('the fork https://git.example/me/manifests.git: pushed branch kubeflow-gitops');
      expect(out.text()).toContain('run the same command again');
    }
  });

  it('the other failure codes are kept after a change: degraded, timeout, conflict, interrupted, usage', () => {
    for (const [err, code] of [
      [new UserError('a conflict', ExitCode.conflict), ExitCode.conflict],
      [new ExternalError('timed out', ExitCode.timeout), ExitCode.timeout],
      [new UserError('degraded', ExitCode.degraded), ExitCode.degraded],
      [new InterruptedError('interrupted'), ExitCode.interrupted],
      [new UserError('bad flag'), ExitCode.usage],
      [new KubeApiError(500, 'InternalError', 'get x: boom'), ExitCode.failure],
    ] as const) {
      expect(reportError(err, capture().stream, changed())).toBe(code);
    }
  });

  it('a code a command returns follows the same rule', () => {
    expect(exitCodeAfter(ExitCode.preflight, createChangeLog())).toBe(ExitCode.preflight);
    expect(exitCodeAfter(ExitCode.preflight, changed())).toBe(ExitCode.failure);
    expect(exitCodeAfter(ExitCode.degraded, changed())).toBe(ExitCode.degraded);
    expect(exitCodeAfter(ExitCode.ok, changed())).toBe(ExitCode.ok);
  });
});
