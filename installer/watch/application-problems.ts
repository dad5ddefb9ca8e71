/** The resources behind an Application's state, in words: what failed, what is unhealthy, what a sync waits for. */
import type { AppResource, ArgoApplication, Problem } from './argo-application.js';

/** gitops-engine names the first task it waits for as "waiting for healthy state of <group>/<kind>/<name>". */
export function awaitedButMissing(app: ArgoApplication): AppResource | undefined {
  const m = /^waiting for healthy state of ([^/\s]*)\/([^/\s]+)\/(\S+)/.exec(app.status?.operationState?.message ?? '');
  if (!m) return undefined;
  const [, group, kind, name] = m;
  return (app.status?.resources ?? []).find(
    (r) => (r.group ?? '') === group && r.kind === kind && r.name === name && r.health?.status === 'Missing',
  );
}

/** Single-source status fills `revision`; multi-source fills `revisions` (and may leave `revision` empty). */
export function revisionsOf(s: { revision?: string; revisions?: string[] } | undefined): string[] {
  return [s?.revision, ...(s?.revisions ?? [])].filter((r): r is string => r !== undefined && r !== '');
}

/**
 * Why the Application is in `health`: the resource Argo CD names, with its own message when Argo CD
 * keeps per-resource health, else the first resource in that health, else Argo CD's message as it is.
 * Argo CD v3.0-v3.5 leave the Application's health message empty; v3.6 fills it with the resources that
 * caused the last change of health ("Caused by apps/Deployment:ns/web, ... and 2 more", at most three),
 * which without per-resource health is kept from that change and may name a resource that has since
 * recovered: a hint, and explain-from-objects.ts has the last word.
 */
export function explain(
  appMessage: string | undefined,
  problems: readonly Problem[],
  health: string | undefined,
): string | undefined {
  const causes = causesOf(appMessage);
  if (causes === undefined && appMessage) return firstLine(appMessage);
  const named = causes?.map((c) => problems.find((p) => p.resource === c)).find((p) => p !== undefined);
  const p = named ?? problems.find((x) => x.status === health) ?? problems[0];
  if (p) return `${p.resource}${p.message ? `: ${firstLine(p.message)}` : ` is ${p.status}`}`;
  return causes?.[0] === undefined ? undefined : `${causes[0]} is ${health ?? 'Unknown'}`;
}

/** The resources of Argo CD v3.6's "Caused by <group/Kind>:<namespace>/<name>, ..." as resourceName() words them. */
export function causesOf(message: string | undefined): string[] | undefined {
  const m = /^Caused by (.+?)(?: and \d+ more)?$/.exec(firstLine(message));
  if (!m) return undefined;
  return (m[1] ?? '').split(', ').map((part) => {
    const colon = part.indexOf(':');
    const groupKind = colon < 0 ? part : part.slice(0, colon);
    const ref = colon < 0 ? '' : part.slice(colon + 1);
    const slash = ref.indexOf('/');
    return resourceName({
      kind: groupKind.split('/').pop(),
      namespace: slash < 0 ? undefined : ref.slice(0, slash),
      name: slash < 0 ? ref : ref.slice(slash + 1),
    });
  });
}

export function firstLine(s: string | undefined): string {
  return (s ?? '').split('\n')[0]?.trim() ?? '';
}

export function resourceName(r: { kind?: string; namespace?: string; name?: string }): string {
  return `${r.kind ?? '?'} ${r.namespace ? `${r.namespace}/` : ''}${r.name ?? '?'}`;
}

export function resourceProblems(app: ArgoApplication): Problem[] {
  return (app.status?.resources ?? [])
    .filter((r) => r.health !== undefined && r.health.status !== 'Healthy')
    .map((r) => ({ resource: resourceName(r), status: r.health?.status ?? 'Unknown', message: r.health?.message }));
}

export function syncFailures(app: ArgoApplication): Problem[] {
  return (app.status?.operationState?.syncResult?.resources ?? [])
    .filter((r) => r.status === 'SyncFailed' || r.hookPhase === 'Failed' || r.hookPhase === 'Error')
    .map((r) => ({
      resource: resourceName(r),
      status: r.status ?? r.hookPhase ?? 'Failed',
      message: firstLine(r.message),
    }));
}

/** Hooks the running operation waits for (plain resources also say `hookPhase: Running`, hooks have a `hookType`). */
export function runningHooks(app: ArgoApplication): Problem[] {
  return (app.status?.operationState?.syncResult?.resources ?? [])
    .filter((r) => r.hookType !== undefined && (r.hookPhase === 'Running' || r.hookPhase === 'Pending'))
    .map((r) => ({
      resource: resourceName(r),
      status: `${r.hookType ?? ''} hook ${r.hookPhase ?? ''}`,
      message: firstLine(r.message),
    }));
}

export function outOfSync(app: ArgoApplication): Problem[] {
  return (app.status?.resources ?? [])
    .filter((r) => r.status === 'OutOfSync')
    .map((r) => ({ resource: resourceName(r), status: 'OutOfSync' }));
}
