/** Typed failures of the local cluster, so callers can tell a missing tool from a broken start. */

export class LocalClusterError extends Error {
  override name = 'LocalClusterError';
}

/** A required tool (go, git, redis-server, kubectl) is not installed. Tests skip on this outside CI. */
export class ToolMissingError extends LocalClusterError {
  override name = 'ToolMissingError';
  constructor(
    readonly tool: string,
    hint: string,
  ) {
    super(`${tool} not found on PATH: ${hint}`);
  }
}

/** A build or a process failed; `logTail` holds the last lines of its log, which usually say why. */
export class ComponentFailedError extends LocalClusterError {
  override name = 'ComponentFailedError';
  constructor(
    readonly component: string,
    reason: string,
    readonly logFile: string,
    readonly logTail: string,
  ) {
    super(`${component}: ${reason}\n--- last lines of ${logFile} ---\n${logTail}`);
  }
}
