/** Masks `user:password@` in a URL (anywhere in `text`) so that it can appear in messages and logs. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}

/**
 * Masks everything credential-like in text that may be shown: URL userinfo, Authorization header
 * values, and the given secret values wherever they appear.
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = redactUrl(text).replace(/(authorization:\s*\w+\s+)\S+/gi, '$1***');
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***');
  return out;
}
