/**
 * Repository URL normalisation: decides whether two spellings of a git remote name the same
 * repository. Used only to compare; what gets written to a file is never normalised.
 */

const SSH_SCHEMES = new Set(['ssh', 'git+ssh', 'ssh+git']);
const DEFAULT_PORTS: Record<string, string> = { https: '443', http: '80', ssh: '22' };

// scheme://authority rest — authority ends at the first '/', '?' or '#'.
const URL_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;
// scp-like git syntax: [user@]host:path, where the path does not start with '//'.
const SCP_RE = /^(?:[^@/:]+@)?([^@/:]+):(?!\/\/)(.+)$/s;

/**
 * Canonical form of a git repository URL, for comparison only.
 *
 * Lowercases scheme and host, drops credentials (userinfo) and default ports, strips trailing `/`
 * and `.git`, and maps SSH spellings (`git@host:owner/repo`, `ssh://git@host/owner/repo`) to
 * `https://host/owner/repo`. The path keeps its case. Credentials never reach the result, so it is
 * safe to compare, log or use as a map key.
 */
export function normaliseRepoURL(url: string): string {
  const raw = url.trim();
  let scheme: string;
  let host: string;
  let rest: string;
  const m = URL_RE.exec(raw);
  if (m) {
    const [, s = '', authority = '', r = ''] = m;
    scheme = s.toLowerCase();
    host = authority.slice(authority.lastIndexOf('@') + 1).toLowerCase();
    rest = r;
  } else {
    const scp = SCP_RE.exec(raw);
    if (!scp) return stripSuffixes(raw);
    const [, h = '', r = ''] = scp;
    scheme = 'ssh';
    host = h.toLowerCase();
    rest = '/' + r.replace(/^\/+/, '');
  }
  const port = /:(\d*)$/.exec(host);
  if (port && (port[1] === '' || port[1] === DEFAULT_PORTS[scheme] || SSH_SCHEMES.has(scheme))) {
    // An ssh port says nothing about which repository this is once mapped to https.
    host = host.slice(0, port.index);
  }
  if (SSH_SCHEMES.has(scheme)) scheme = 'https';
  return stripSuffixes(`${scheme}://${host}${rest}`);
}

function stripSuffixes(url: string): string {
  let out = url;
  for (;;) {
    const next = out.replace(/\/+$/, '').replace(/\.git$/i, '');
    if (next === out) return out;
    out = next;
  }
}

/**
 * The URL with any userinfo replaced by `***`, for messages and change reports. The rest of the
 * URL is kept as written.
 */
export function redactRepoURL(url: string): string {
  const m = URL_RE.exec(url);
  if (!m) return url;
  const [, scheme = '', authority = '', rest = ''] = m;
  const at = authority.lastIndexOf('@');
  if (at < 0) return url;
  // `git@host` is only a user name, but a password may hide in any userinfo: redact all of it.
  return `${scheme}://***@${authority.slice(at + 1)}${rest}`;
}
