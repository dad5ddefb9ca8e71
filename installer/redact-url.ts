/** Masks `user:password@` in a URL (anywhere in `text`) so that it can appear in messages and logs. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}
