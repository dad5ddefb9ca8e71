/**
 * Recipes that put a real Argo CD Application into each state the readiness function distinguishes.
 * `test/tools/capture-app-status.ts` runs them all to record fixtures; the cluster tier re-runs a few
 * live so the fixtures stay honest. Every state comes from Argo CD itself; nothing here writes status.
 */
import type { ArgoApplication, Phase } from '../../installer/watch/assess-application.js';
import type { KubeObject } from '../../installer/systems/kube.js';
import type { CapturedLine } from './app-status-fixtures.js';
import { PREFIX, type ArgoLab, type LiveApp } from './argo-lab.js';

export interface StateRecipe {
  readonly state: string;
  readonly expectedPhase: Phase;
  /** How the state was produced, for whoever reads the fixture. */
  readonly note: string;
  /** The Argo CD lines that can show the state at all (default: every line). */
  readonly onlyOn?: readonly CapturedLine[];
  /** Builds repos and the Application, waits until Argo CD shows the state; returns the document and the revision to expect. */
  produce(lab: ArgoLab, name: string): Promise<{ app: LiveApp; expectedRevision: string }>;
}

/** The expected revision of a state that has no commit at all (its repository does not exist). */
const NO_COMMIT = '0'.repeat(40);

// kwok simulates pods on its one node; a nodeSelector no node carries keeps a pod Pending for ever.
const UNSCHEDULABLE = 'nodeSelector: {kfg-rd/nowhere: "true"}';

function deployment(extra: { spec?: string; pod?: string } = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
${extra.spec ?? ''}  template:
    metadata: {labels: {app: web}}
    spec:
${extra.pod ?? ''}      containers: [{name: web, image: registry.k8s.io/pause:3.10}]
`;
}
const SERVICE =
  'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n';
const WEB = { 'deployment.yaml': deployment(), 'service.yaml': SERVICE };
const configMap = (mode: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web-config}\ndata: {mode: ${mode}}\n`;

// Only what Argo CD needs to apply a Certificate and pick its built-in health check (by group and kind):
// cert-manager's real CRD carries the full schema, which this state does not depend on.
const CERTIFICATE_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: certificates.cert-manager.io}
spec:
  group: cert-manager.io
  scope: Namespaced
  names: {kind: Certificate, listKind: CertificateList, plural: certificates, singular: certificate}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;
const CERTIFICATE = `apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web-tls}
spec:
  secretName: web-tls
  dnsNames: [web.example.com]
  issuerRef: {group: cert-manager.io, kind: ClusterIssuer, name: kubeflow-self-signing-issuer}
`;

const single = (repoURL: string, targetRevision = 'main', path = '.') => [{ repoURL, path, targetRevision }];

const sync = (a: ArgoApplication) => a.status?.sync?.status;
const health = (a: ArgoApplication) => a.status?.health?.status;
const opPhase = (a: ArgoApplication) => a.status?.operationState?.phase;
const at = (a: ArgoApplication, sha: string) =>
  a.status?.sync?.revision === sha || (a.status?.sync?.revisions ?? []).includes(sha);
const settledHealthy = (a: ArgoApplication, sha: string) =>
  at(a, sha) && sync(a) === 'Synced' && health(a) === 'Healthy' && opPhase(a) === 'Succeeded';

export const RECIPES: readonly StateRecipe[] = [
  {
    state: 'synced-healthy',
    expectedPhase: 'ready',
    note: 'Deployment + Service, automated sync; Synced at the pushed commit, Healthy, operation Succeeded.',
    async produce(lab, name) {
      const repo = await lab.repo(name);
      const sha = await repo.commit(WEB);
      await lab.application(name, { sources: single(repo.url), namespace: name });
      return { app: await lab.waitFor(name, (a) => settledHealthy(a, sha)), expectedRevision: sha };
    },
  },
  {
    state: 'out-of-sync',
    expectedPhase: 'progressing',
    note: 'Automated sync off; a Service (as in git) and a ConfigMap (other data) were applied by hand before the Application existed: Healthy, OutOfSync.',
    async produce(lab, name) {
      const repo = await lab.repo(name);
      const sha = await repo.commit({ 'service.yaml': SERVICE, 'configmap.yaml': configMap('gitops') });
      // The Service as in git (so health is Healthy, not Missing), the ConfigMap edited by hand.
      await lab.applyDirect(name, [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web' },
          spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
        },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config' }, data: { mode: 'edited-by-hand' } },
      ]);
      await lab.application(name, { sources: single(repo.url), namespace: name, automated: false });
      return {
        app: await lab.waitFor(name, (a) => at(a, sha) && sync(a) === 'OutOfSync' && health(a) === 'Healthy'),
        expectedRevision: sha,
      };
    },
  },
  {
    state: 'missing',
    expectedPhase: 'progressing',
    note: 'Automated sync off and never synced: nothing applied, health Missing, sync OutOfSync, no operationState.',
    async produce(lab, name) {
      const repo = await lab.repo(name);
      const sha = await repo.commit(WEB);
      await lab.application(name, { sources: single(repo.url), namespace: name, automated: false });
      return { app: await lab.waitFor(name, (a) => at(a, sha) && health(a) === 'Missing'), expectedRevision: sha };
    },
  },
  {
    state: 'progressing',
    expectedPhase: 'progressing',
    note: 'Deployment whose pod matches no node (nodeSelector), default progress deadline: sync Succeeded, health Progressing.',
    async produce(lab, name) {
      const repo = await lab.repo(name);
      const sha = await repo.commit({ ...WEB, 'deployment.yaml': deployment({ pod: `      ${UNSCHEDULABLE}\n` }) });
      await lab.application(name, { sources: single(repo.url), namespace: name });
      return {
        app: await lab.waitFor(name, (a) => at(a, sha) && opPhase(a) === 'Succeeded' && health(a) === 'Progressing'),
        expectedRevision: sha,
      };
    },
  },
  {
    state: 'degraded',
    expectedPhase: 'failed',
    note: 'Same unschedulable Deployment with progressDeadlineSeconds: 1: the Deployment controller sets ProgressDeadlineExceeded, Argo CD reports Degraded.',
    async produce(lab, name) {
      const repo = await lab.repo(name);
      const sha = await repo.commit({
        ...WEB,
        'deployment.yaml': deployment({ spec: '  progressDeadlineSeconds: 1\n', pod: `      ${UNSCHEDULABLE}\n` }),
      });
      await lab.application(name, { sources: single(repo.url), namespace: name });
      return {
        app: await lab.waitFor(name, (a) => at(a, sha) && opPhase(a) === 'Succeeded' && health(a) === 'Degraded'),
        expectedRevision: sha,
      };
    },
  },
  {
    state: 'suspended',
    expectedPhase: 'failed',
    note: 'Deployment with spec.paused: true; Argo CD health for a paused Deployment is Suspended.',
    async produce(lab, name) {
      const repo = await lab.repo(name);
      const sha = await repo.commit({ ...WEB, 'deployment.yaml': deployment({ spec: '  paused: true\n' }) });
      await lab.application(name, { sources: single(repo.url), namespace: name });
      return {
        app: await lab.waitFor(name, (a) => at(a, sha) && opPhase(a) === 'Succeeded' && health(a) === 'Suspended'),
        expectedRevision: sha,
      };
    },
  },
  {
    state: 'operation-running',
    expectedPhase: 'progressing',
    note: 'PreSync hook Job whose pod matches no node: the sync operation stays Running, waiting for the hook.',
    async produce(lab, name) {
      const repo = await lab.repo(name);
      const hook = `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  annotations: {argocd.argoproj.io/hook: PreSync}
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      ${UNSCHEDULABLE}
      containers: [{name: migrate, image: registry.k8s.io/pause:3.10}]
`;
      const sha = await repo.commit({ ...WEB, 'presync-job.yaml': hook });
      await lab.application(name, { sources: single(repo.url), namespace: name });
      // From v3.4 the operation first waits for the Namespace it creates; the state is the hook's wait.
      const hookRunning = (a: ArgoApplication) =>
        (a.status?.operationState?.syncResult?.resources ?? []).some((r) => r.hookPhase === 'Running') &&
        (a.status?.operationState?.message ?? '').includes('hook batch/Job/migrate');
      return {
        app: await lab.waitFor(name, (a) => at(a, sha) && opPhase(a) === 'Running' && hookRunning(a)),
        expectedRevision: sha,
      };
    },
  },
  {
    state: 'awaits-deleted',
    expectedPhase: 'failed',
    note: 'Two sync waves: an unschedulable Deployment (wave 0, Progressing) and a ConfigMap (wave 1). While the sync waits for the Deployment to turn healthy it is deleted by hand: Argo CD sees it Missing and the operation stays Running for ever (gitops-engine never re-checks a task without a live object).',
    // From v3.4 gitops-engine re-applies an awaited object that is gone and goes on (seen live on v3.4.7
    // and v3.5.1: the Deployment is created again within a minute), so the state exists only before. The
    // local cluster no longer runs v3.3 (end of life): this recipe is how its frozen capture was made.
    onlyOn: ['v3.3.14'],
    async produce(lab, name) {
      const repo = await lab.repo(name);
      const wave = (n: number) => `\n  annotations: {argocd.argoproj.io/sync-wave: "${String(n)}"}`;
      const sha = await repo.commit({
        'deployment.yaml': deployment({ pod: `      ${UNSCHEDULABLE}\n` }).replace(
          'metadata: {name: web}',
          `metadata:\n  name: web${wave(0)}`,
        ),
        'configmap.yaml': configMap('after-web').replace(
          'metadata: {name: web-config}',
          `metadata:\n  name: web-config${wave(1)}`,
        ),
      });
      await lab.application(name, { sources: single(repo.url), namespace: name });
      const waiting = (a: ArgoApplication) =>
        opPhase(a) === 'Running' &&
        (a.status?.operationState?.message ?? '').startsWith('waiting for healthy state of apps/Deployment/web');
      await lab.waitFor(name, (a) => at(a, sha) && waiting(a));
      await lab.kube.delete({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: name, name: 'web' });
      const gone = (a: ArgoApplication) =>
        (a.status?.resources ?? []).some(
          (r) => r.kind === 'Deployment' && r.name === 'web' && r.health?.status === 'Missing',
        );
      return { app: await lab.waitFor(name, (a) => waiting(a) && gone(a)), expectedRevision: sha };
    },
  },
  {
    state: 'operation-failed',
    expectedPhase: 'failed',
    note: 'A Deployment without containers: valid YAML, rejected by the apiserver; retry limit 1, so the operation ends Failed.',
    async produce(lab, name) {
      const repo = await lab.repo(name);
      const broken = deployment().replace(
        '      containers: [{name: web, image: registry.k8s.io/pause:3.10}]\n',
        '      containers: []\n',
      );
      const sha = await repo.commit({ ...WEB, 'deployment.yaml': broken });
      await lab.application(name, { sources: single(repo.url), namespace: name, retryLimit: 1 });
      return { app: await lab.waitFor(name, (a) => at(a, sha) && opPhase(a) === 'Failed'), expectedRevision: sha };
    },
  },
  {
    state: 'comparison-error',
    expectedPhase: 'failed',
    note: 'source.path names a folder the repo does not have: ComparisonError condition, sync Unknown; automated sync is skipped, so no operation.',
    async produce(lab, name) {
      const repo = await lab.repo(name);
      const sha = await repo.commit(WEB);
      await lab.application(name, { sources: single(repo.url, 'main', 'no-such-dir'), namespace: name });
      const comparisonError = (a: ArgoApplication) =>
        (a.status?.conditions ?? []).some((c) => c.type === 'ComparisonError');
      return { app: await lab.waitFor(name, comparisonError), expectedRevision: sha };
    },
  },
  {
    state: 'repo-unreachable',
    expectedPhase: 'failed',
    note: "repoURL names a fork repository the local git server does not have (with the repository Secret install would create for it): ComparisonError with Argo CD's reason, sync Unknown; nothing was ever synced, so expectedRevision is no commit.",
    async produce(lab, name) {
      const url = await lab.missingRepo(name);
      await lab.application(name, { sources: single(url), namespace: name });
      const comparisonError = (a: ArgoApplication) =>
        (a.status?.conditions ?? []).some((c) => c.type === 'ComparisonError');
      return { app: await lab.waitFor(name, comparisonError), expectedRevision: NO_COMMIT };
    },
  },
  {
    state: 'operation-error',
    expectedPhase: 'failed',
    note: 'The comparison-error Application plus a sync started as `argocd app sync` does (operation on the Application, revision = the pushed sha): Argo CD refuses to sync with a ComparisonError and ends the operation in phase Error.',
    async produce(lab, name) {
      const repo = await lab.repo(name);
      const sha = await repo.commit(WEB);
      await lab.application(name, {
        sources: single(repo.url, 'main', 'no-such-dir'),
        namespace: name,
        automated: false,
      });
      await lab.waitFor(name, (a) => (a.status?.conditions ?? []).some((c) => c.type === 'ComparisonError'));
      await lab.startSync(name, sha);
      return { app: await lab.waitFor(name, (a) => opPhase(a) === 'Error'), expectedRevision: sha };
    },
  },
  {
    state: 'stale-revision',
    expectedPhase: 'progressing',
    note: 'Synced + Healthy at commit A (expectedRevision is B, pushed afterwards); read right after the push, before Argo CD polls git again.',
    async produce(lab, name) {
      const repo = await lab.repo(name);
      const a = await repo.commit(WEB);
      await lab.application(name, { sources: single(repo.url), namespace: name });
      await lab.waitFor(name, (x) => settledHealthy(x, a));
      const b = await repo.commit({ ...WEB, 'service.yaml': SERVICE.replace('port: 80', 'port: 81') }, 'second commit');
      const app = await lab.read(name);
      if (!app || !settledHealthy(app, a)) throw new Error(`${name}: Argo CD moved on before the stale state was read`);
      return { app, expectedRevision: b };
    },
  },
  {
    state: 'certificate-pending',
    expectedPhase: 'progressing',
    note: 'A cert-manager Certificate (with a minimal certificates.cert-manager.io CRD, no cert-manager running): sync Succeeded, Argo CD\'s built-in check keeps it Progressing ("Waiting for certificate") until cert-manager marks it Ready.',
    async produce(lab, name) {
      const repo = await lab.repo(name);
      const sha = await repo.commit({ 'crd.yaml': CERTIFICATE_CRD, 'certificate.yaml': CERTIFICATE });
      await lab.application(name, { sources: single(repo.url), namespace: name });
      const synced = (a: ArgoApplication) => at(a, sha) && opPhase(a) === 'Succeeded' && health(a) === 'Progressing';
      await lab.waitFor(name, synced);
      // Argo CD's cache reports a new CRD "being installed" until it looks again; only the Certificate should hold it.
      await lab.refresh(name);
      const onlyCertificate = (a: ArgoApplication) =>
        (a.status?.resources ?? []).every(
          (r) => r.health?.status === (r.kind === 'Certificate' ? 'Progressing' : 'Healthy'),
        );
      return { app: await lab.waitFor(name, (a) => synced(a) && onlyCertificate(a)), expectedRevision: sha };
    },
  },
  {
    state: 'multi-source',
    expectedPhase: 'ready',
    note: 'spec.sources: a shared base repo first, the fork second; status.sync.revisions holds one sha per source and the pushed sha is the second.',
    async produce(lab, name) {
      const base = await lab.repo(`${name}-base`);
      const fork = await lab.repo(name);
      await base.commit({ 'configmap.yaml': configMap('base') });
      const sha = await fork.commit(WEB);
      await lab.application(name, { sources: [...single(base.url), ...single(fork.url)], namespace: name });
      return { app: await lab.waitFor(name, (a) => settledHealthy(a, sha)), expectedRevision: sha };
    },
  },
];

/** The recipes whose state `version` can show. */
export function recipesFor(version: CapturedLine): StateRecipe[] {
  return RECIPES.filter((r) => r.onlyOn === undefined || r.onlyOn.includes(version));
}

export function recipe(state: string): StateRecipe {
  const r = RECIPES.find((x) => x.state === state);
  if (!r) throw new Error(`no recipe for ${state}`);
  return r;
}

/** Name (Application, namespace, repo) of a state; `suffix` keeps a test run apart from the capture script. */
export const stateName = (state: string, suffix = ''): string => `${PREFIX}${state}${suffix ? `-${suffix}` : ''}`;

/** What a fixture keeps: the object as read, without managedFields (bulk that says nothing about readiness). */
export function forFixture(app: KubeObject): KubeObject {
  const copy = structuredClone(app);
  if (copy.metadata) delete copy.metadata.managedFields;
  return copy;
}
