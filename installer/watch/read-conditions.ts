/** What an Application's error conditions say beyond their type: an unreadable repository, a schema that lacks a kind, a webhook. */
import type { GroupVersionKind } from './argo-application.js';

/**
 * How Argo CD (and the git it runs) words a repository it cannot read, in a ComparisonError:
 * "repository not found", "authentication required: ...", "Unable to resolve '<branch>' to a commit
 * SHA", "... Could not resolve host", "dial tcp: lookup <host>: no such host", "connection refused",
 * "Permission denied (publickey)".
 */
const REPO_UNREACHABLE =
  /repository not found|authentication required|authentication failed|unable to resolve|could not resolve host|no such host|connection refused|permission denied \(publickey\)|ssh: handshake failed/i;

/**
 * gitops-engine's diff of a server-side-applied Application looks each kind up in the OpenAPI schema
 * its cluster cache loaded (v3.0-v3.5 in its structured-merge diff; from v3.6, which diffs such
 * Applications server-side, to tell its own fields from webhook mutations), and reloads that schema
 * only on a CRD or APIService event. Loaded while the API server had not yet published a new CRD's
 * schema (it does so just after the CRD is Established, and again for every CRD after it restarts), it
 * lacks that kind until the next such event: "error calculating structured merge diff: unable to
 * resolve parseableType for GroupVersionKind: cert-manager.io/v1, Kind=ClusterIssuer" (v3.6: "error
 * calculating server side diff: serverSideDiff error: error removing non config mutations for resource
 * ClusterIssuer/<name>: unable to resolve parseableType ..."; the same GroupVersionKind wording).
 */
const SCHEMA_LACKS =
  /unable to resolve parseableType for GroupVersionKind: ([^/\s,]*)\/([^/\s,]+), Kind=([A-Za-z0-9]+)/;

export function schemaLackingOf(condition: { type?: string; message?: string }): GroupVersionKind | undefined {
  if (condition.type !== 'ComparisonError') return undefined;
  const m = SCHEMA_LACKS.exec(condition.message ?? '');
  return m ? { group: m[1] ?? '', version: m[2] ?? '', kind: m[3] ?? '' } : undefined;
}

/**
 * A comparison that failed after the repository was read: from v3.6 Argo CD diffs a server-side-applied
 * Application by a dry-run apply, so an admission webhook that cannot be reached fails the comparison
 * ("failed calling webhook ...: connect: connection refused"), which is not about the repository.
 */
const DIFF_STAGE = /failed to compare desired state to live state|failed calling webhook/i;

export const isWebhookRefused = (condition: { type?: string; message?: string }): boolean =>
  condition.type === 'ComparisonError' && /failed calling webhook/i.test(condition.message ?? '');

export const isRepoUnreachable = (condition: { type?: string; message?: string }): boolean =>
  condition.type === 'ComparisonError' &&
  REPO_UNREACHABLE.test(condition.message ?? '') &&
  !DIFF_STAGE.test(condition.message ?? '') &&
  schemaLackingOf(condition) === undefined;
