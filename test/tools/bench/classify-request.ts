/**
 * What a Kubernetes API request is, from its method and URL, the way the API server's audit log names
 * verbs: get / list / watch / create / update / patch / delete / deletecollection, plus `discovery`
 * for /api, /apis, /apis/<group>[/<version>], /version and /openapi. Pure.
 */

export type Verb =
  'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'discovery' | 'other';

export interface Classified {
  readonly verb: Verb;
  /** `<group>/<resource>` (core group empty: `/pods`), with `/<subresource>` when there is one. */
  readonly resource?: string;
}

export function classifyRequest(method: string, url: string): Classified {
  const u = new URL(url, 'https://apiserver.invalid');
  const m = method.toUpperCase();
  const segs = u.pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  if (segs[0] === 'version' || segs[0] === 'openapi' || segs[0] === '.well-known') return { verb: 'discovery' };
  let group: string;
  let rest: string[];
  if (segs[0] === 'api') {
    if (segs.length <= 2) return { verb: 'discovery' };
    group = '';
    rest = segs.slice(2);
  } else if (segs[0] === 'apis') {
    if (segs.length <= 3) return { verb: 'discovery' };
    group = segs[1] ?? '';
    rest = segs.slice(3);
  } else {
    return { verb: 'other' };
  }
  // Legacy watch paths: /apis/<g>/<v>/watch/...
  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const [kind, name, sub] = rest;
  const resource = `${group}/${kind ?? ''}${sub !== undefined ? `/${sub}` : ''}`;
  const watchParam = u.searchParams.get('watch');
  const watch = legacyWatch || watchParam === 'true' || watchParam === '1';
  switch (m) {
    case 'GET':
      return { verb: watch ? 'watch' : name === undefined ? 'list' : 'get', resource };
    case 'POST':
      return { verb: 'create', resource };
    case 'PUT':
      return { verb: 'update', resource };
    case 'PATCH':
      return { verb: 'patch', resource };
    case 'DELETE':
      return { verb: name === undefined ? 'deletecollection' : 'delete', resource };
    default:
      return { verb: 'other', resource };
  }
}

/** Counts by verb, every verb present (zero when none), in a stable order. */
export function countByVerb(requests: readonly { readonly verb: Verb }[]): Record<Verb, number> {
  const out: Record<Verb, number> = {
    get: 0,
    list: 0,
    watch: 0,
    create: 0,
    update: 0,
    patch: 0,
    delete: 0,
    deletecollection: 0,
    discovery: 0,
    other: 0,
  };
  for (const r of requests) out[r.verb] += 1;
  return out;
}
