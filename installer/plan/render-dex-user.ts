/**
 * The Dex static user in the fork: `overlays/<target>/dex/dex-passwords.yaml` is owned by the
 * installer and holds the password's bcrypt hash and, when the email is not upstream's
 * user@example.com, a second patch: upstream's Dex configuration for the release with only that
 * user's email changed. Dex reads the email from its config text (there is no env expansion for it),
 * so the whole `config.yaml` has to be patched; it is re-rendered from the fork's upstream file on
 * every run, so an upgrade that changes upstream's config is carried over. Pure.
 */
import { DEFAULT_ADMIN_EMAIL } from '../core/constants.js';
import { Document, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, type Node } from 'yaml';
import { UserError } from '../core/errors.js';
import { renderDexPasswordPatch } from './render-overlay.js';

/** Upstream's Dex ConfigMap patch, relative to the dex component's path. */
export const DEX_CONFIG_FILE = 'config-map.yaml';
const HASH_ENV = 'DEX_USER_PASSWORD';

export interface DexUser {
  readonly hash?: string | undefined;
  /** undefined: the file sets no email, so upstream's user@example.com applies. */
  readonly email?: string | undefined;
}

/** What an existing dex-passwords.yaml says. */
export function readDexUser(file: string | undefined): DexUser {
  if (file === undefined) return {};
  let hash: string | undefined;
  let email: string | undefined;
  for (const doc of parseAllDocuments(file)) {
    if (!('toJS' in doc)) continue;
    const o = doc.toJS() as {
      kind?: unknown;
      stringData?: Record<string, unknown>;
      data?: Record<string, unknown>;
    } | null;
    const h = o?.kind === 'Secret' ? o.stringData?.[HASH_ENV] : undefined;
    if (typeof h === 'string' && h.startsWith('$2')) hash = h;
    const config = o?.kind === 'ConfigMap' ? o.data?.['config.yaml'] : undefined;
    if (typeof config === 'string') email = staticUserEmail(config)?.value;
  }
  return { hash, email };
}

/** The file's content: the hash patch exactly as before, plus the config patch for another email. */
export function renderDexUser(hash: string, email: string, upstreamConfigMap: string | undefined): string {
  const secret = renderDexPasswordPatch(hash);
  if (email === DEFAULT_ADMIN_EMAIL) return secret;
  if (upstreamConfigMap === undefined)
    throw new UserError(
      `--admin-email: the fork has no upstream Dex configuration (${DEX_CONFIG_FILE} of the dex component) to set the email in`,
    );
  const upstream = parseDocument(upstreamConfigMap).toJS() as {
    metadata?: { name?: string };
    data?: Record<string, unknown>;
  } | null;
  const config = upstream?.data?.['config.yaml'];
  if (typeof config !== 'string')
    throw new UserError(`--admin-email: upstream's Dex ${DEX_CONFIG_FILE} has no data."config.yaml"`);
  const doc = new Document({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: upstream?.metadata?.name ?? 'dex', namespace: 'auth' },
    data: { 'config.yaml': withStaticUserEmail(config, email) },
  });
  doc.commentBefore =
    ` Upstream's Dex configuration with the static user's email set to ${email} (--admin-email).` +
    '\n Re-rendered from upstream by every kubeflow-gitops run; make other Dex changes in kustomization.yaml.';
  return `${secret}---\n${doc.toString({ lineWidth: 0 })}`;
}

/** Dex's config text with the static user's email replaced; every other byte stays as upstream wrote it. */
export function withStaticUserEmail(config: string, email: string): string {
  const found = staticUserEmail(config);
  if (!found?.range)
    throw new UserError(`--admin-email: upstream's Dex configuration has no static password entry using ${HASH_ENV}`);
  const [start, end] = found.range;
  const scalar = /^[\w.+@-]+$/.test(email) ? email : JSON.stringify(email);
  return `${config.slice(0, start)}${scalar}${config.slice(end)}`;
}

/** The email of the static user whose hash comes from the password Secret, in Dex's config text. */
export function dexStaticUserEmail(config: string): string | undefined {
  return staticUserEmail(config)?.value;
}

function staticUserEmail(config: string): { value: string; range?: [number, number] } | undefined {
  const doc = parseDocument(config);
  const list = doc.get('staticPasswords', true) as Node | undefined;
  if (!isSeq(list)) return undefined;
  for (const item of list.items) {
    if (!isMap(item) || item.get('hashFromEnv') !== HASH_ENV) continue;
    const node = item.get('email', true) as Node | undefined;
    if (!isScalar(node) || typeof node.value !== 'string') return undefined;
    return { value: node.value, range: node.range ? [node.range[0], node.range[1]] : undefined };
  }
  return undefined;
}
