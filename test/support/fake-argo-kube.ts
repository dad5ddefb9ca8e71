/**
 * A Kube double for the watch driver: lists and watches Applications from an in-memory set the test
 * changes, answers GETs of other objects from a second set, and records every request. Only the
 * calls the watch makes are implemented.
 */
import type { Kube, KubeObject, ObjectRef, WatchEvent } from '../../installer/systems/kube.js';
import type { AppDocument } from './app-documents.js';

export interface FakeArgoKube {
  readonly kube: Kube;
  /** PATCHes of Applications (refresh nudges), by name, in order. */
  readonly refreshes: string[];
  /** GETs of other objects, as `kind/name`. */
  readonly gets: string[];
  /** Objects GET answers with, by `kind/name`. */
  readonly objects: Map<string, KubeObject>;
  /** Sends a watch event (the watch must be open: await a tick after starting). */
  send(type: 'ADDED' | 'MODIFIED' | 'DELETED', app: AppDocument): void;
}

export function fakeArgoKube(listed: readonly AppDocument[], opts: { listError?: Error } = {}): FakeArgoKube {
  const refreshes: string[] = [];
  const gets: string[] = [];
  const objects = new Map<string, KubeObject>();
  let onEvent: ((e: WatchEvent) => void) | undefined;
  let rv = 1;
  const unsupported = (what: string) => () => Promise.reject(new Error(`fake kube: ${what} is not implemented`));
  const kube: Kube = {
    target: { context: 'fake', server: 'https://fake', user: 'fake' },
    stats: { byVerb: {} },
    request<T>(method: string, path: string): Promise<T> {
      if (method === 'GET' && path.endsWith('/applications') && opts.listError) return Promise.reject(opts.listError);
      if (method === 'GET' && path.includes('/applications'))
        return Promise.resolve({ items: listed, metadata: { resourceVersion: String(rv) } } as T);
      if (method === 'PATCH') {
        refreshes.push(path.slice(path.lastIndexOf('/') + 1));
        return Promise.resolve({} as T);
      }
      return Promise.reject(new Error(`fake kube: ${method} ${path}`));
    },
    get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> {
      gets.push(`${ref.kind}/${ref.name}`);
      return Promise.resolve(objects.get(`${ref.kind}/${ref.name}`) as T | undefined);
    },
    watch(_path, _query, handler) {
      onEvent = handler;
      return Promise.resolve(new AbortController());
    },
    pathFor: unsupported('pathFor'),
    apply: unsupported('apply'),
    createIfAbsent: unsupported('createIfAbsent'),
    delete: unsupported('delete'),
    resourceTypes: unsupported('resourceTypes'),
  };
  return {
    kube,
    refreshes,
    gets,
    objects,
    send(type, app) {
      if (!onEvent) throw new Error('fake kube: the watch is not open yet');
      rv += 1;
      onEvent({ type, object: { ...app, metadata: { ...app.metadata, resourceVersion: String(rv) } } });
    },
  };
}
