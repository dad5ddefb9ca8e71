/**
 * The one place errors become words and exit codes: a UserError prints its message (which names
 * the flag or file to fix), never a stack trace; anything unexpected asks to be reported. Exit 3
 * promises that nothing was changed: once the run's change log holds anything, no failure carries
 * it, and the message says what was changed before the run stopped.
 */
import type { ChangeLog } from '../core/changes.js';
import { ExitCode, ExternalError, InterruptedError, UserError } from '../core/errors.js';
import { redact } from '../systems/git.js';
import { KubeApiError } from '../systems/kube.js';

export function reportError(err: unknown, stderr: NodeJS.WritableStream, changes?: ChangeLog): number {
  const e = err as { code?: string; exitCode?: number; name?: string; message?: string };
  if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return ExitCode.ok;
  if (typeof e.code === 'string' && e.code.startsWith('commander.')) return ExitCode.usage;
  const { code, message } = describe(err, e);
  if (message !== undefined) stderr.write(`${message}\n${changedSoFar(changes)}`);
  return exitCodeAfter(code, changes);
}

/** Exit 3 ("nothing was changed") only while that is true; after the first change a failure is exit 1. */
export function exitCodeAfter(code: number, changes: ChangeLog | undefined): number {
  return code === ExitCode.preflight && changes?.changed === true ? ExitCode.failure : code;
}

function describe(err: unknown, e: { name?: string }): { code: number; message?: string } {
  if (err instanceof KubeApiError)
    return {
      message: `✗ Kubernetes API: ${err.reason}: ${redact(err.message)}`,
      code: err.code === 401 || err.code === 403 || err.code === 404 ? ExitCode.preflight : ExitCode.failure,
    };
  if (err instanceof UserError || err instanceof ExternalError || err instanceof InterruptedError)
    return { message: `✗ ${redact(err.message)}`, code: err.exitCode };
  if (e.name === 'ExitPromptError' || e.name === 'AbortPromptError') return { code: ExitCode.interrupted };
  return {
    message: `✗ internal error: ${redact(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n  please report it with the command you ran`,
    code: ExitCode.failure,
  };
}

function changedSoFar(changes: ChangeLog | undefined): string {
  if (changes?.changed !== true) return '';
  const lines = changes.describe().map((l) => `    - ${redact(l)}\n`);
  return `  before it stopped, this run had changed:\n${lines.join('')}  every step is an ensure-step: run the same command again to continue from there\n`;
}
