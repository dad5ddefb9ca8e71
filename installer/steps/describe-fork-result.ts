/** What a published fork says to people: one named sentence each, shared by `fork` and `install`. */
import { DEFAULT_ADMIN_EMAIL } from '../core/constants.js';
import { planToJson } from '../plan/render-plan.js';
import type { ForkResult } from './publish-fork.js';

/** install: the commit Argo CD will sync. */
export function pushedSentence(r: ForkResult): string {
  return r.committed
    ? `pushed ${r.revision.slice(0, 7)} to ${r.repoURL} ${r.branch}`
    : `the fork is up to date at ${r.revision.slice(0, 7)}`;
}

/** fork: what the commit holds. */
export function committedSentence(r: ForkResult): string {
  return r.committed
    ? `committed ${r.plan.files.length} file(s) and vendored ${r.plan.vendor.sources.length} base(s)`
    : 'the fork was already up to date: no new commit';
}

export const adminEmailOf = (r: ForkResult): string => r.plan.adminEmail ?? DEFAULT_ADMIN_EMAIL;

/** Where a generated Dex admin password went (never the password itself). */
export function passwordSavedSentence(r: ForkResult, file: string): string {
  return `generated the Dex admin password (${adminEmailOf(r)}); it is in ${file} (mode 0600) and nowhere else`;
}

/** fork --output json. */
export function forkResultJson(r: ForkResult): object {
  return {
    repoURL: r.repoURL,
    branch: r.branch,
    revision: r.revision,
    committed: r.committed,
    pushed: r.pushed,
    passwordFile: r.passwordFile,
    plan: planToJson(r.plan),
  };
}
