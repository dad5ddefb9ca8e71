/**
 * The Kubernetes system: the only module that talks to an API server. Requests go through one
 * small REST helper (node:https with the kubeconfig's TLS and credentials applied by
 * @kubernetes/client-node), so objects are sent as written: client-node's typed models re-serialise
 * bodies and drop CRD schema fields. Watches use client-node's Watch. Every request is counted.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { FIELD_MANAGER } from '../core/constants.js';
import type { ChangeLog } from '../core/changes.js';
import { ExitCode, ExternalError, UserError } from '../core/errors.js';

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    uid?: string;
    resourceVersion?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string | undefined;
}

export interface KubeTarget {
  readonly context: string;
  readonly server: string;
  readonly user: string;
}

export interface KubeStats {
  readonly byVerb: Record<string, number>;
}

/** One listable kind the server offers (preferred version of each group). */
export interface ResourceType {
  readonly apiVersion: string;
  readonly kind: string;
  readonly resource: string;
  readonly namespaced: boolean;
  readonly verbs: readonly string[];
}

/** One resource of one API version: what a list or a watch reads (a `ResourceType` is one). */
export type Collection = Pick<ResourceType, 'apiVersion' | 'resource'>;

/** Which objects of a collection a list returns: one namespace (default all), a label selector. */
export interface ListOptions {
  readonly namespace?: string | undefined;
  readonly labelSelector?: string | undefined;
}

/**
 * REST path of every object of one kind, across namespaces (`/api/v1/pods`, `/apis/apps/v1/deployments`)
 * or in one (`/apis/argoproj.io/v1alpha1/namespaces/argocd/applications`).
 */
export const collectionPath = (t: Collection, namespace?: string): string =>
  `${groupVersionPath(t.apiVersion)}${namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${t.resource}`;
const groupVersionPath = (apiVersion: string): string =>
  apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;

export type WatchEvent =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: KubeObject }
  | { type: 'ERROR'; object: { code?: number; message?: string } };

/** What `GET /version` says. */
export interface ServerVersion {
  readonly gitVersion?: string;
  readonly major?: string;
  readonly minor?: string;
}

export interface Kube {
  readonly target: KubeTarget;
  readonly stats: KubeStats;
  /**
   * Raw REST, for installer/systems/ only (lint refuses calls elsewhere): everything else uses the
   * typed verbs below, so no API path is spelled outside this folder.
   */
  request<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T>;
  /** The server's Kubernetes version. */
  version(): Promise<ServerVersion>;
  /** Whether the API server serves this group version (`argoproj.io/v1alpha1`); discovery, cached once served. */
  served(apiVersion: string): Promise<boolean>;
  /** Every object of a collection (one namespace's or all), as the server lists them. */
  list<T extends KubeObject = KubeObject>(collection: Collection, opts?: ListOptions): Promise<T[]>;
  /** One list of the collection at `path` (as `watch` takes it), with the resourceVersion to watch from. */
  listForWatch(
    path: string,
    labelSelector?: string,
  ): Promise<{ items: KubeObject[]; metadata: { resourceVersion: string } }>;
  /** JSON merge patch (RFC 7386) of one object; `null` removes a field. */
  mergePatch<T extends KubeObject = KubeObject>(ref: ObjectRef, patch: object): Promise<T>;
  /** Creates an object and returns what the server answered (reviews such as SelfSubjectAccessReview too). */
  create<T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T>;
  /** REST path of an object or collection, found through discovery (cached). */
  pathFor(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string>;
  get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined>;
  /** Server-side apply, with the installer's field manager unless another is named. */
  apply<T extends KubeObject = KubeObject>(obj: KubeObject, opts?: ApplyOptions): Promise<T>;
  /** Creates the object unless one with that name exists; never changes an existing one. */
  createIfAbsent(obj: KubeObject): Promise<'created' | 'exists'>;
  delete(ref: ObjectRef, propagation?: 'Foreground' | 'Background'): Promise<'deleted' | 'absent'>;
  watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (e: WatchEvent) => void,
    onDone: (err: unknown) => void,
  ): Promise<AbortController>;
  /** Every kind the server serves that can be listed, from discovery (not cached: CRDs come and go). */
  resourceTypes(): Promise<ResourceType[]>;
}

export interface ApplyOptions {
  readonly force?: boolean;
  readonly dryRun?: boolean;
  /** Apply as another manager (Argo CD's, so that its own later apply of the same object is a no-op). */
  readonly fieldManager?: string;
  /** Unknown or duplicate fields: refused (Strict, the default) or dropped (Ignore, Argo CD's Validate=false). */
  readonly fieldValidation?: 'Strict' | 'Ignore';
}

export interface KubeOptions {
  readonly kubeconfig?: string | undefined;
  readonly context?: string | undefined;
  /** Where the context was named when not by --context ("KFG_CONTEXT", "install.yaml:3:10"), for the error when it is not there. */
  readonly contextOrigin?: string | undefined;
  /** The run's log of changes: every write that succeeds is recorded in it. */
  readonly changes?: ChangeLog | undefined;
}

/**
 * An API error with the server's Status: `code` is the HTTP status, `reason` e.g. NotFound, Forbidden.
 * Errors from a request start their message with what was asked ("list nodes", "get
 * applications.argoproj.io argocd/kubeflow"), so one that propagates names its object.
 */
export class KubeApiError extends Error {
  override readonly name = 'KubeApiError';
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly causes: readonly { message?: string; field?: string }[] = [],
  ) {
    super(message);
  }
}

/**
 * Only a 404 means "absent": a 403, a 5xx or a timeout says nothing about whether the object is there,
 * so it must propagate instead of being read as "none".
 */
export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 404;
}

/** The server refused the credentials or the request (401, 403): asking again will not change that. */
export function isRefused(err: unknown): boolean {
  return err instanceof KubeApiError && (err.code === 401 || err.code === 403);
}

/** For `.catch(orAbsent(x))`: `x` when the server said 404 (the object, or its kind, is not there); else rethrows. */
export function orAbsent<T>(absent: T): (err: unknown) => T {
  return (err) => {
    if (isNotFound(err)) return absent;
    throw err;
  };
}

/**
 * What a request asks, in the words of its object: "list applications.argoproj.io in namespace argocd",
 * "apply configmaps argocd/kubeflow-gitops-install", "get the server version".
 */
export function describeRequest(method: string, path: string, contentType?: string, body?: unknown): string {
  const [route = '', query = ''] = path.split('?');
  const parts = route.split('/').filter(Boolean).map(decodeURIComponent);
  if (route === '/version') return 'get the server version';
  let group = '';
  let rest: string[];
  if (parts[0] === 'api') rest = parts.slice(2);
  else if (parts[0] === 'apis') {
    group = parts[1] ?? '';
    rest = parts.slice(3);
  } else return `${method} ${route}`;
  if (rest.length === 0) return `read the API discovery of ${route}`;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [resource = '', named, sub] = rest;
  // A create names its object in the body, not the path.
  const name = named ?? (method === 'POST' ? nameIn(body) : undefined);
  const kind = `${resource}${group ? `.${group}` : ''}`;
  const watch = /(^|&)watch=(true|1)/.test(query);
  const verb =
    method === 'GET'
      ? watch
        ? 'watch'
        : name === undefined
          ? 'list'
          : 'get'
      : method === 'PATCH'
        ? contentType === 'application/apply-patch+yaml'
          ? 'apply'
          : 'patch'
        : (({ POST: 'create', PUT: 'replace', DELETE: 'delete' } as Record<string, string>)[method] ?? method);
  const object =
    name !== undefined
      ? `${kind} ${namespace !== undefined ? `${namespace}/` : ''}${name}${sub !== undefined ? ` (${sub})` : ''}`
      : `${kind}${namespace !== undefined ? ` in namespace ${namespace}` : ''}`;
  return `${verb} ${object}`;
}

const nameIn = (body: unknown): string | undefined => {
  const name = (body as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
  return typeof name === 'string' ? name : undefined;
};

/**
 * A request that changes what the cluster holds (dry runs and access reviews do not), as a change log
 * entry; undefined for reads.
 */
export function changeOf(method: string, path: string, contentType?: string, body?: unknown): string | undefined {
  if (method === 'GET' || method === 'HEAD') return undefined;
  if (/[?&]dryRun=/.test(path)) return undefined;
  if (/^\/apis\/(authorization|authentication)\.k8s\.io\//.test(path)) return undefined;
  return describeRequest(method, path, contentType, body);
}

export function loadKubeConfig(opts: KubeOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new UserError(
      `cannot read the kubeconfig${opts.kubeconfig ? ` ${opts.kubeconfig}` : ''}: ${(err as Error).message}; fix the file or pass --kubeconfig`,
      ExitCode.preflight,
    );
  }
  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context)) {
      const have =
        kc
          .getContexts()
          .map((c) => c.name)
          .join(', ') || 'none';
      const named =
        opts.contextOrigin === undefined
          ? `--context "${opts.context}"`
          : `context "${opts.context}" (from ${opts.contextOrigin})`;
      throw new UserError(
        `${named} is not in the kubeconfig${opts.kubeconfig ? ` ${opts.kubeconfig}` : ''} (contexts: ${have})`,
        ExitCode.usage,
      );
    }
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  // client-node silently falls back to http://localhost:8080 when it finds no configuration at all.
  if (!cluster || (cluster.server === 'http://localhost:8080' && !opts.kubeconfig && !process.env.KUBECONFIG)) {
    throw new UserError(
      'no Kubernetes cluster configured: set KUBECONFIG or pass --kubeconfig (and --context)',
      ExitCode.preflight,
    );
  }
  return kc;
}

/** The contexts of a kubeconfig with their API servers, for the wizard's first question. */
export function listContexts(kubeconfig: string | undefined): { name: string; server: string; current: boolean }[] {
  const kc = loadKubeConfig({ kubeconfig });
  const current = kc.getCurrentContext();
  return kc
    .getContexts()
    .map((c) => ({ name: c.name, server: kc.getCluster(c.cluster)?.server ?? '', current: c.name === current }));
}

/** As client-go: how many times one request is sent again when the server says to wait. */
const MAX_RETRIES = 10;

/**
 * How long to wait before sending a request again, as client-go decides: a 429 (the API server's
 * flow control, or "storage is (re)initializing" for a CRD created moments ago) or a 5xx that names a
 * Retry-After. The server's delay is honoured within 1-10 s; undefined means do not retry.
 */
export function retryDelayMs(status: number, retryAfter: string | undefined): number | undefined {
  if (status !== 429 && !(status >= 500 && retryAfter !== undefined)) return undefined;
  const seconds = Number.parseInt(retryAfter ?? '', 10);
  return Math.min(Math.max(Number.isNaN(seconds) ? 1 : seconds, 1), 10) * 1000;
}

export function createKube(opts: KubeOptions): Kube {
  const kc = loadKubeConfig(opts);
  const cluster = kc.getCurrentCluster();
  const target: KubeTarget = {
    context: kc.getCurrentContext(),
    server: cluster?.server ?? '',
    user: kc.getCurrentUser()?.name ?? '',
  };
  const where = `context "${target.context}" (${target.server})`;
  const byVerb: Record<string, number> = {};
  const discovery = new Map<string, Promise<{ name: string; kind: string; namespaced: boolean }[]>>();

  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<T> {
    const verb = method === 'GET' && /[?&]watch=(true|1)/.test(path) ? 'WATCH' : method;
    const asked = describeRequest(method, path, contentType, body);
    const change = changeOf(method, path, contentType, body);
    const url = new URL(target.server + path);
    const options: https.RequestOptions = { method, headers: { Accept: 'application/json' } };
    await kc.applyToHTTPSOptions(options);
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    if (payload !== undefined)
      Object.assign(options.headers ?? {}, {
        'Content-Type': contentType,
        'Content-Length': Buffer.byteLength(payload),
      });
    const lib = url.protocol === 'https:' ? https : http;
    const send = () =>
      new Promise<{ status: number; text: string; retryAfter?: string | undefined }>((resolve, reject) => {
        byVerb[verb] = (byVerb[verb] ?? 0) + 1;
        const req = lib.request(url, { ...options, timeout: 60_000 }, (res: http.IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            resolve({
              status: res.statusCode ?? 0,
              text: Buffer.concat(chunks).toString('utf8'),
              retryAfter: res.headers['retry-after'],
            });
          });
          res.on('error', reject);
        });
        req.on('timeout', () => {
          req.destroy(new Error('request timed out after 60s'));
        });
        req.on('error', reject);
        if (payload !== undefined) req.write(payload);
        req.end();
      }).catch((err: unknown) => {
        const code = (err as { code?: string }).code ?? '';
        // A write that got no answer may have been made: counted, so the run never claims nothing changed.
        if (change !== undefined) opts.changes?.record(where, `${change} (no answer: it may have been made)`);
        throw new ExternalError(
          `cannot reach the Kubernetes API at ${target.server} (context ${target.context}) to ${asked}: ${code || (err as Error).message}`,
          ExitCode.preflight,
          { cause: err },
        );
      });
    let { status, text, retryAfter } = await send();
    for (let attempt = 1; attempt <= MAX_RETRIES; attempt++) {
      const wait = retryDelayMs(status, retryAfter);
      if (wait === undefined) break;
      await new Promise((r) => setTimeout(r, wait));
      ({ status, text, retryAfter } = await send());
    }
    if (status >= 200 && status < 300) {
      if (change !== undefined) opts.changes?.record(where, change);
      return (text ? JSON.parse(text) : undefined) as T;
    }
    // Errors are usually a Status object, but some paths answer plain text ("404 page not found").
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = { message: text.trim() };
    }
    const s = (json ?? {}) as {
      reason?: string;
      message?: string;
      details?: { causes?: { message?: string; field?: string }[] };
    };
    throw new KubeApiError(
      status,
      s.reason ?? String(status),
      `${asked}: ${s.message ?? (status === 401 ? 'Unauthorized: the credentials in the kubeconfig were refused' : `HTTP ${status}`)}`,
      s.details?.causes,
    );
  }

  async function resources(apiVersion: string) {
    let found = discovery.get(apiVersion);
    if (!found) {
      const path = groupVersionPath(apiVersion);
      found = request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>('GET', path).then((r) =>
        r.resources.filter((x) => !x.name.includes('/')),
      );
      discovery.set(apiVersion, found);
      found.catch(() => discovery.delete(apiVersion));
    }
    return found;
  }

  async function pathFor(apiVersion: string, kind: string, namespace?: string, name?: string): Promise<string> {
    const res = (
      await resources(apiVersion).catch((err: unknown) => {
        if (err instanceof KubeApiError && err.code === 404)
          throw new KubeApiError(
            404,
            'NotFound',
            `the API ${apiVersion} is not served by this cluster (is its CRD installed?)`,
          );
        throw err;
      })
    ).find((r) => r.kind === kind);
    if (!res) throw new KubeApiError(404, 'NotFound', `kind ${kind} is not served in ${apiVersion} by this cluster`);
    const base = groupVersionPath(apiVersion);
    const ns = res.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
    return `${base}${ns}/${res.name}${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
  }

  const refOf = (o: KubeObject): ObjectRef => ({
    apiVersion: o.apiVersion ?? '',
    kind: o.kind ?? '',
    name: o.metadata?.name ?? '',
    namespace: o.metadata?.namespace,
  });

  return {
    target,
    stats: { byVerb },
    request,
    pathFor,
    version: () => request<ServerVersion>('GET', '/version'),
    async served(apiVersion) {
      try {
        await resources(apiVersion);
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
    async list<T extends KubeObject>(collection: Collection, o: ListOptions = {}) {
      const q = o.labelSelector !== undefined ? `?labelSelector=${encodeURIComponent(o.labelSelector)}` : '';
      return (await request<{ items: T[] }>('GET', `${collectionPath(collection, o.namespace)}${q}`)).items;
    },
    listForWatch(path: string, labelSelector?: string) {
      const q = labelSelector !== undefined ? `?labelSelector=${encodeURIComponent(labelSelector)}` : '';
      return request<{ items: KubeObject[]; metadata: { resourceVersion: string } }>('GET', `${path}${q}`);
    },
    async mergePatch<T extends KubeObject>(ref: ObjectRef, patch: object) {
      const path = await pathFor(ref.apiVersion, ref.kind, ref.namespace, ref.name);
      return request<T>('PATCH', path, patch, 'application/merge-patch+json');
    },
    async create<T extends KubeObject>(obj: KubeObject) {
      const r = refOf(obj);
      return request<T>('POST', await pathFor(r.apiVersion, r.kind, r.namespace), obj);
    },
    async get<T extends KubeObject>(ref: ObjectRef) {
      try {
        return await request<T>('GET', await pathFor(ref.apiVersion, ref.kind, ref.namespace, ref.name));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async apply<T extends KubeObject>(obj: KubeObject, o: ApplyOptions = {}) {
      const r = refOf(obj);
      const q = new URLSearchParams({
        fieldManager: o.fieldManager ?? FIELD_MANAGER,
        force: String(o.force ?? true),
        fieldValidation: o.fieldValidation ?? 'Strict',
      });
      if (o.dryRun) q.set('dryRun', 'All');
      return request<T>(
        'PATCH',
        `${await pathFor(r.apiVersion, r.kind, r.namespace, r.name)}?${q.toString()}`,
        obj,
        'application/apply-patch+yaml',
      );
    },
    async createIfAbsent(obj) {
      const r = refOf(obj);
      try {
        await request('POST', await pathFor(r.apiVersion, r.kind, r.namespace), obj);
        return 'created';
      } catch (err) {
        if (err instanceof KubeApiError && err.code === 409) return 'exists';
        throw err;
      }
    },
    async delete(ref, propagation = 'Foreground') {
      try {
        await request('DELETE', await pathFor(ref.apiVersion, ref.kind, ref.namespace, ref.name), {
          kind: 'DeleteOptions',
          apiVersion: 'v1',
          propagationPolicy: propagation,
        });
        return 'deleted';
      } catch (err) {
        if (isNotFound(err)) return 'absent';
        throw err;
      }
    },
    async resourceTypes() {
      type ResourceList = { resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[] };
      const groups = await request<{ groups: { preferredVersion: { groupVersion: string } }[] }>('GET', '/apis');
      const versions = ['v1', ...groups.groups.map((g) => g.preferredVersion.groupVersion)];
      const out: ResourceType[] = [];
      for (const gv of versions) {
        // A group gone since /apis was read has no kinds; an aggregated API that is down (503, e.g. a
        // stopped metrics-server) must not hide every other kind. Anything else is an answer we cannot
        // read as "no kinds", and propagates.
        const list = await request<ResourceList>('GET', groupVersionPath(gv)).catch((err: unknown) => {
          if (isNotFound(err) || (err instanceof KubeApiError && err.code === 503)) return undefined;
          throw err;
        });
        for (const r of list?.resources ?? []) {
          if (r.name.includes('/') || !r.verbs.includes('list')) continue;
          out.push({ apiVersion: gv, kind: r.kind, resource: r.name, namespaced: r.namespaced, verbs: r.verbs });
        }
      }
      return out;
    },
    watch(path, query, onEvent, onDone) {
      byVerb.WATCH = (byVerb.WATCH ?? 0) + 1;
      return new Watch(kc).watch(
        path,
        query,
        (type: string, object: unknown) => {
          onEvent({ type, object } as WatchEvent);
        },
        onDone,
      );
    },
  };
}
