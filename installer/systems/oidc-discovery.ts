/**
 * The identity provider as an outside system: its OpenID discovery document, fetched over TLS that
 * is verified against the system's roots plus, when given, the user's CA bundle (--idp-ca-file).
 * Verification is never turned off: an issuer whose certificate does not verify is an error that
 * names the flag to fix, because oauth2-proxy and Dex would refuse it the same way in the cluster.
 */
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { UserError } from '../core/errors.js';

export interface Discovery {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly jwks_uri: string;
}

export interface DiscoveryOptions {
  /** PEM bundle trusted besides the system's roots. */
  readonly caFile?: string | undefined;
  readonly timeoutMs?: number;
}

const TLS_HINT: Readonly<Record<string, string>> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'signed by a CA this machine does not trust',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'signed by a CA this machine does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'signed by a CA this machine does not trust',
  CERT_HAS_EXPIRED: 'expired',
  ERR_TLS_CERT_ALTNAME_INVALID: "not issued for the issuer's host name",
};

export async function fetchDiscovery(issuer: string, opts: DiscoveryOptions = {}): Promise<Discovery> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  if (!url.startsWith('https://')) throw new UserError(`--idp-issuer ${issuer}: must be https://`);
  let extra: string | undefined;
  if (opts.caFile !== undefined) {
    try {
      extra = await readFile(opts.caFile, 'utf8');
    } catch (err) {
      throw new UserError(
        `--idp-ca-file ${opts.caFile}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
  const ca = extra === undefined ? undefined : [...rootCertificates, extra];
  const body = await new Promise<string>((resolve, reject) => {
    const req = request(url, { ca, rejectUnauthorized: true, timeout: opts.timeoutMs ?? 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200)
          reject(
            new UserError(
              `--idp-issuer ${issuer}: ${url} answered HTTP ${String(res.statusCode)}, not a discovery document`,
            ),
          );
        else resolve(Buffer.concat(chunks).toString('utf8'));
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === undefined ? undefined : TLS_HINT[err.code];
      reject(
        new UserError(
          why !== undefined
            ? `--idp-issuer ${issuer}: its TLS certificate does not verify (${why}: ${err.code ?? ''}); pass the CA that signed it with --idp-ca-file <pem>`
            : `--idp-issuer ${issuer}: cannot fetch ${url} (${err.code ?? err.message})`,
        ),
      );
    });
    req.end();
  });
  let doc: Partial<Discovery>;
  try {
    doc = JSON.parse(body) as Partial<Discovery>;
  } catch {
    throw new UserError(`--idp-issuer ${issuer}: ${url} is not JSON`);
  }
  // OpenID Connect Discovery 1.0 §4.3: the document's issuer must be exactly the issuer asked for.
  if (doc.issuer !== issuer)
    throw new UserError(
      `--idp-issuer ${issuer}: the provider calls itself "${String(doc.issuer)}"; use exactly that (tokens carry it)`,
    );
  for (const k of ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const)
    if (typeof doc[k] !== 'string') throw new UserError(`--idp-issuer ${issuer}: its discovery document has no ${k}`);
  return doc as Discovery;
}
