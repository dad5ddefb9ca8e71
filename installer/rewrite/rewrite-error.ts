/** A YAML error or a construct the rewriter will not edit; the message starts `file:line:col:`. */
export class RewriteError extends Error {
  override readonly name = 'RewriteError';
}
