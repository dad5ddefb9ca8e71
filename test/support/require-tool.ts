/**
 * A test that needs a tool: outside CI a missing tool skips it with a visible reason; in CI it is a
 * failure, never a skip (CI installs what the tests need, see .ci/run).
 */
import { execFileSync } from 'node:child_process';

export function toolMissing(tool: string, why: string): string | undefined {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return undefined;
  } catch {
    const reason = `${tool} is not installed (${why})`;
    if (process.env.CI) throw new Error(`${reason}; CI must have it (.ci/run installs it)`);
    console.warn(`skipping: ${reason}`);
    return reason;
  }
}
