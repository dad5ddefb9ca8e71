/**
 * What a run changed beyond its own temporary files: writes to a cluster, pushes, repositories it
 * created. The systems record each change as they make it (systems/kube.ts, git.ts, github.ts), so no
 * step can forget one. cli.ts reads it when a run fails: exit 3 promises that nothing was changed, so
 * once something was, a failure carries another code and says what was done (ui/report-error.ts).
 */
export interface ChangeLog {
  /** One change in words ("apply configmaps argocd/kubeflow-gitops-install") and where it was made. */
  record(where: string, what: string): void;
  /** Whether anything was changed so far. */
  readonly changed: boolean;
  /** What was changed, one line per place, oldest place first. */
  describe(): string[];
}

export function createChangeLog(): ChangeLog {
  const places = new Map<string, string[]>();
  return {
    record(where, what) {
      const list = places.get(where) ?? [];
      if (list.length === 0) places.set(where, list);
      list.push(what);
    },
    get changed() {
      return places.size > 0;
    },
    describe() {
      return [...places].map(([where, list]) => {
        const [first = '', last = ''] = [list[0], list[list.length - 1]];
        if (list.length === 1) return `${where}: ${first}`;
        const between = list.length > 2 ? `, …${String(list.length - 2)} more…` : '';
        return `${where}: ${String(list.length)} changes (${first}${between}, ${last})`;
      });
    },
  };
}
