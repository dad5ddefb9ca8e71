/**
 * Container image references as the distribution spec writes them: `[host[:port]/]path[:tag][@digest]`.
 * Docker Hub's short names (`mysql:8.0`, `kserve/xgbserver:v0.16.0`) are read as the runtime reads
 * them (docker.io, library/ for one-part names), so every reference has one canonical name. Pure.
 */

export interface ImageRef {
  /** Registry host, with port when given; docker.io for Docker Hub's short names. */
  readonly registry: string;
  /** Path in the registry (library/mysql for `mysql`). */
  readonly repository: string;
  readonly tag?: string | undefined;
  readonly digest?: string | undefined;
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const HOST = '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?)';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = 'sha256:[0-9a-f]{64}';
const REFERENCE = new RegExp(`^(?:(${HOST})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);

/** A first path part is a registry host when it has a dot or a port, or is localhost (the runtime's rule). */
const isHost = (part: string): boolean => part.includes('.') || part.includes(':') || part === 'localhost';

/** The reference, or undefined when `text` is not one. */
export function parseImageRef(text: string): ImageRef | undefined {
  const m = REFERENCE.exec(text);
  if (!m) return undefined;
  const [, first, rest, tag, digest] = m;
  let registry: string;
  let repository: string;
  if (first !== undefined && isHost(first)) {
    registry = first;
    repository = rest ?? '';
  } else {
    const path = first !== undefined ? `${first}/${rest ?? ''}` : (rest ?? '');
    if (first !== undefined && first.toLowerCase() !== first) return undefined;
    registry = 'docker.io';
    repository = path.includes('/') ? path : `library/${path}`;
  }
  return { registry, repository, tag, digest };
}

/** `registry/repository`: the name a lock file and a mirror key an image by. */
export const imageName = (ref: ImageRef): string => `${ref.registry}/${ref.repository}`;

/** The full reference: name, then the tag and the digest when there are. */
export function formatImageRef(ref: ImageRef): string {
  return `${imageName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/** What a token must look like to be taken as an image: a path and a tag or a digest. */
export function looksLikeImage(token: string): boolean {
  const ref = parseImageRef(token);
  if (ref === undefined) return false;
  if (ref.tag === undefined && ref.digest === undefined) return false;
  // `a:b` with no slash is an image only on Docker Hub's library (mysql:8.0); the tag must then
  // look like a version, which keeps `key:value` pairs of configuration out.
  // A dotted or numeric name is a host (`istiod.istio-system.svc:15012`, `0.0.0.0:8443`) and an
  // all-digit tag of four or more is a port (`localhost:29500`).
  if (!token.includes('/'))
    return (
      /^[a-z][a-z0-9_-]*$/.test(token.split(/[:@]/)[0] ?? '') &&
      token.split(/[:@]/)[0] !== 'localhost' &&
      !/^\d{4,}$/.test(ref.tag ?? '') &&
      (/^v?\d/.test(ref.tag ?? '') || ref.digest !== undefined)
    );
  return true;
}

/** Every image-like token in a text (a whole value, an argument, a line of embedded YAML or JSON). */
export function findImageTokens(text: string): { token: string; index: number }[] {
  const out: { token: string; index: number }[] = [];
  const re = /[^\s"'`,=;(){}[\]<>|]+/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const token = m[0].replace(/[.:]+$/, '');
    if (looksLikeImage(token)) out.push({ token, index: m.index });
  }
  return out;
}

/**
 * Where an image lives in a registry mirror: `<mirror>/<registry>/<repository>`. Keeping the upstream
 * host in the path means two registries' images of the same path never meet (docker.io/kserve and
 * ghcr.io/kserve both exist), and the mapping can be undone by reading it.
 */
export function mirroredName(ref: ImageRef, mirror: string): string {
  return `${mirror.replace(/\/+$/, '')}/${imageName(ref)}`;
}
