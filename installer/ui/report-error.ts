/**
 * The one place errors become words and exit codes: a UserError prints its message (which names
 * the flag or file to fix), never a stack trace; anything unexpected asks to be reported.
 */
import { ExitCode, ExternalError, InterruptedError, UserError } from '../errors.js';
import { redact } from '../systems/git.js';
import { KubeApiError } from '../systems/kube.js';

export function reportError(err: unknown, stderr: NodeJS.WritableStream): number {
  const e = err as { code?: string; exitCode?: number; name?: string; message?: string };
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.ok;
  if (typeof e.code === 'string' && e.code.startsWith('commander.')) return ExitCode.usage;
  if (err instanceof KubeApiError) {
    stderr.write(`✗ Kubernetes API: ${err.reason}: ${redact(err.message)}\n`);
    return err.code === 401 || err.code === 403 || err.code === 404 ? ExitCode.preflight : ExitCode.failure;
  }
  if (err instanceof UserError || err instanceof ExternalError || err instanceof InterruptedError) {
    stderr.write(`✗ ${redact(err.message)}\n`);
    return err.exitCode;
  }
  if (e.name === 'ExitPromptError' || e.name === 'AbortPromptError') return ExitCode.interrupted;
  stderr.write(
    `✗ internal error: ${redact(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n  please report it with the command you ran\n`,
  );
  return ExitCode.failure;
}
