import { ExitCode, UserError } from '../core/errors.js';

/**
 * A YAML error or a construct the rewriter will not edit; the message starts `file:line:col:`.
 * The file is the user's, so this is a usage error (exit 2, no stack trace), raised before any push.
 */
export class RewriteError extends UserError {
  override readonly name: string = 'RewriteError';
  constructor(message: string, options?: ErrorOptions) {
    super(message, ExitCode.usage, options);
  }
}
