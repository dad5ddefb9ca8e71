/**
 * A small lab on the shared local cluster for putting real Argo CD Applications into chosen states:
 * git repos with a history (so an old commit stays reachable), Applications applied through the
 * product's Kubernetes module, polling until Argo CD reports a state, and cleanup of exactly what the
 * lab created (the cluster is shared, so nothing else is ever touched).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { ArgoApplication } from '../../installer/watch/assess-application.js';
import { createKube, type Kube, type KubeObject } from '../../installer/systems/kube.js';
import type { ClusterEnv } from '../local-cluster/cluster.js';
import { FORKS_OWNER, statePaths } from '../../installer/systems/local-cluster/config.js';
import { gitAuthEnv } from '../local-cluster/git-push.js';

const run = promisify(execFile);

/** Everything this lab creates carries this prefix, so a leak on the shared cluster is easy to attribute. */
export const PREFIX = 'kfg-rd-';

export interface LabRepo {
  readonly url: string;
  /** Replaces the whole tree with `files`, commits on top of the previous commit, pushes; returns the sha. */
  commit(files: Record<string, string>, message?: string): Promise<string>;
}

export type Source = { repoURL: string; path: string; targetRevision: string; ref?: string };

export interface AppOptions {
  readonly sources: readonly Source[];
  readonly namespace: string;
  /** Automated sync (prune) unless false. */
  readonly automated?: boolean;
  readonly retryLimit?: number;
  /** Sync options beside CreateNamespace=true. */
  readonly syncOptions?: readonly string[];
}

export type LiveApp = ArgoApplication & KubeObject;

const APP = (name: string) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', name, namespace: 'argocd' });

export class ArgoLab {
  readonly kube: Kube;
  private readonly apps = new Set<string>();
  private readonly namespaces = new Set<string>();
  private readonly secrets = new Set<string>();
  private readonly repoDirs = new Set<string>();

  constructor(readonly env: ClusterEnv) {
    this.kube = createKube({ kubeconfig: env.kubeconfig });
  }

  /** A fresh bare repo `forks/<name>.git` (an old one of that name is removed first) and its Argo CD repository Secret. */
  async repo(name: string): Promise<LabRepo> {
    assertOurs(name);
    const bare = join(statePaths(this.env.stateDir).gitRoot, FORKS_OWNER, `${name}.git`);
    rmSync(bare, { recursive: true, force: true });
    this.repoDirs.add(bare);
    const url = this.env.createForkRepo(name);
    const secret = this.env.repositorySecret(url, `${name}-repo`);
    await this.kube.apply(secret);
    this.secrets.add(secret.metadata.name);
    const work = mkdtempSync(join(tmpdir(), `${name}-`));
    const git = (...args: string[]) => run('git', ['-C', work, ...args], { env: gitAuthEnv(this.env.gitToken) });
    await git('init', '--quiet', '--initial-branch=main');
    return {
      url,
      commit: async (files, message = `${name} content`) => {
        await git('rm', '-r', '--quiet', '--ignore-unmatch', '.');
        for (const [path, content] of Object.entries(files)) {
          mkdirSync(dirname(join(work, path)), { recursive: true });
          writeFileSync(join(work, path), content);
        }
        await git('add', '-A');
        await git(
          '-c',
          'user.name=kfg-test',
          '-c',
          'user.email=kfg-test@example.invalid',
          'commit',
          '--quiet',
          '--allow-empty',
          '-m',
          message,
        );
        await git('push', '--quiet', url, 'HEAD:refs/heads/main');
        return (await git('rev-parse', 'HEAD')).stdout.trim();
      },
    };
  }

  /**
   * The URL of a fork repository the git server does not have (one of that name is removed), with
   * the Argo CD repository Secret install would create for it: what Argo CD sees for a fork that
   * was deleted, renamed or mistyped.
   */
  async missingRepo(name: string): Promise<string> {
    assertOurs(name);
    const bare = join(statePaths(this.env.stateDir).gitRoot, FORKS_OWNER, `${name}.git`);
    rmSync(bare, { recursive: true, force: true });
    const url = `${this.env.gitUrl}/${FORKS_OWNER}/${name}.git`;
    const secret = this.env.repositorySecret(url, `${name}-repo`);
    await this.kube.apply(secret);
    this.secrets.add(secret.metadata.name);
    return url;
  }

  /**
   * Takes over cleanup of an Application (and its namespace) or a repo left by an earlier run
   * (`--keep`), without creating anything.
   */
  adopt(kind: 'app' | 'repo', name: string): void {
    assertOurs(name);
    if (kind === 'app') {
      this.apps.add(name);
      this.namespaces.add(name);
      return;
    }
    this.repoDirs.add(join(statePaths(this.env.stateDir).gitRoot, FORKS_OWNER, `${name}.git`));
    this.secrets.add(`${name}-repo`);
  }

  /** Applies an Application `name` in argocd. The resources finalizer makes Argo CD delete what it synced. */
  async application(name: string, o: AppOptions): Promise<void> {
    assertOurs(name);
    assertOurs(o.namespace);
    this.apps.add(name);
    this.namespaces.add(o.namespace);
    const [single] = o.sources;
    await this.kube.apply({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name, namespace: 'argocd', finalizers: ['resources-finalizer.argocd.argoproj.io'] },
      spec: {
        project: 'default',
        ...(o.sources.length === 1 && single ? { source: single } : { sources: o.sources }),
        destination: { server: 'https://kubernetes.default.svc', namespace: o.namespace },
        syncPolicy: {
          ...(o.automated === false ? {} : { automated: { prune: true } }),
          syncOptions: ['CreateNamespace=true', ...(o.syncOptions ?? [])],
          ...(o.retryLimit !== undefined
            ? { retry: { limit: o.retryLimit, backoff: { duration: '1s', factor: 1, maxDuration: '1s' } } }
            : {}),
        },
      },
    });
  }

  /** Objects applied directly (not through Argo CD), e.g. to make live state differ from git. */
  async applyDirect(namespace: string, objects: KubeObject[]): Promise<void> {
    assertOurs(namespace);
    this.namespaces.add(namespace);
    await this.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    for (const o of objects) await this.kube.apply({ ...o, metadata: { ...o.metadata, namespace } });
  }

  /** Starts a sync the way `argocd app sync` does: by writing `operation` on the Application. */
  async startSync(name: string, revision: string): Promise<void> {
    const path = await this.kube.pathFor('argoproj.io/v1alpha1', 'Application', 'argocd', name);
    await this.kube.request(
      'PATCH',
      path,
      { operation: { sync: { revision }, initiatedBy: { username: 'kfg-rd' } } },
      'application/merge-patch+json',
    );
  }

  /** Asks Argo CD to re-read git now instead of at its next poll (what a webhook would do). */
  async refresh(name: string): Promise<void> {
    const path = await this.kube.pathFor('argoproj.io/v1alpha1', 'Application', 'argocd', name);
    await this.kube.request(
      'PATCH',
      path,
      { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } },
      'application/merge-patch+json',
    );
  }

  async read(name: string): Promise<LiveApp | undefined> {
    return this.kube.get<LiveApp>(APP(name));
  }

  /**
   * Polls until `reached` holds on two reads a few seconds apart (a state Argo CD passes through on
   * its way elsewhere is not the state asked for). Throws with the last status on timeout.
   */
  async waitFor(name: string, reached: (app: ArgoApplication) => boolean, timeoutMs = 150_000): Promise<LiveApp> {
    const deadline = Date.now() + timeoutMs;
    let last: LiveApp | undefined;
    while (Date.now() < deadline) {
      last = await this.read(name);
      if (last && reached(last)) {
        await sleep(3000);
        const again = await this.read(name);
        if (again && reached(again)) return again;
      }
      await sleep(1000);
    }
    throw new Error(
      `Application ${name} did not reach the state in ${timeoutMs / 1000}s; last status: ${JSON.stringify(last?.status, null, 2)}`,
    );
  }

  /** Deletes what this lab created: Applications (cascading), their namespaces, repository Secrets, bare repos. */
  async cleanup(timeoutMs = 90_000): Promise<void> {
    for (const name of this.apps) {
      // Argo CD finalizes a deletion only once no operation is pending (a sync waiting for ever would hold it).
      const app = await this.read(name);
      if (app !== undefined && (app as { operation?: unknown }).operation != null) {
        const path = await this.kube.pathFor('argoproj.io/v1alpha1', 'Application', 'argocd', name);
        await this.kube.request('PATCH', path, { operation: null }, 'application/merge-patch+json');
      }
      await this.kube.delete(APP(name), 'Background');
    }
    const deadline = Date.now() + timeoutMs;
    for (const name of this.apps) {
      while ((await this.read(name)) !== undefined) {
        if (Date.now() > deadline) {
          // Argo CD could not finish its cascade (e.g. an operation still running); drop the finalizer
          // so the Application goes, and let the namespace deletion below take its resources.
          const path = await this.kube.pathFor('argoproj.io/v1alpha1', 'Application', 'argocd', name);
          await this.kube.request('PATCH', path, { metadata: { finalizers: null } }, 'application/merge-patch+json');
          break;
        }
        await sleep(1000);
      }
    }
    for (const ns of this.namespaces) await this.releaseHookFinalizers(ns);
    for (const ns of this.namespaces)
      await this.kube.delete({ apiVersion: 'v1', kind: 'Namespace', name: ns }, 'Background');
    for (const s of this.secrets)
      await this.kube.delete({ apiVersion: 'v1', kind: 'Secret', name: s, namespace: 'argocd' });
    for (const dir of this.repoDirs) rmSync(dir, { recursive: true, force: true });
    this.apps.clear();
    this.namespaces.clear();
    this.secrets.clear();
    this.repoDirs.clear();
  }

  /** Argo CD v3 puts a finalizer on hook objects; with the Application gone nobody removes it, and the namespace would hang. */
  private async releaseHookFinalizers(namespace: string): Promise<void> {
    const list = await this.kube.request<{ items: KubeObject[] }>('GET', `/apis/batch/v1/namespaces/${namespace}/jobs`);
    for (const job of list.items) {
      const finalizers = (job.metadata?.finalizers ?? []) as string[];
      if (finalizers.length === 0) continue;
      const path = `/apis/batch/v1/namespaces/${namespace}/jobs/${job.metadata?.name ?? ''}`;
      await this.kube.request('PATCH', path, { metadata: { finalizers: null } }, 'application/merge-patch+json');
    }
  }
}

function assertOurs(name: string): void {
  if (!name.startsWith(PREFIX))
    throw new Error(`${name}: everything the lab creates on the shared cluster must start with ${PREFIX}`);
}
