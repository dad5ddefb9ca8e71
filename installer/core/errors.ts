/**
 * Typed errors, created at system boundaries and handled in exactly one place (cli.ts).
 * Messages follow "what failed: why; how to fix (the flag, file or variable to change)".
 */

/** Process exit codes; documented in README.md. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  preflight: 3,
  degraded: 4,
  timeout: 5,
  conflict: 6,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake the user can fix: printed without a stack trace. */
export class UserError extends Error {
  // Widened so that subclasses (RewriteError) keep their own name in messages and logs.
  override readonly name: string = 'UserError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.usage,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** An outside system (git, git host, Kubernetes, a subprocess) failed; always carries its cause. */
export class ExternalError extends Error {
  override readonly name = 'ExternalError';
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failure,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The user interrupted (Ctrl-C, or a prompt closed). Nothing was changed past the last finished step. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  readonly exitCode = ExitCode.interrupted;
}
