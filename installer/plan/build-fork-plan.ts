/**
 * Plan, then act: a pure function from the user's choices and what the fork already holds to the
 * complete, serialisable list of what `fork` will write. The executor only carries it out, and
 * `plan` only prints it. Files the user may have edited are never re-rendered: a file is created
 * when absent, otherwise only the installer-managed values in it are rewritten in place.
 */
import { parse, parseDocument } from 'yaml';
import type { ResolvedComponent } from '../catalogue/resolve-components.js';
import type { Release } from '../catalogue/releases.js';
import { TARGET_INFO, type Footprint, type Target } from '../catalogue/targets.js';
import {
  ANNOTATION_COMPONENT,
  DEFAULT_ADMIN_EMAIL,
  DEFAULT_UPSTREAM,
  FORK_APPS_DIR,
  FORK_ROOT_APP_FILE,
  TOOL,
} from '../core/constants.js';
import { rewriteApplications, type AppIdentity, type ScalarChange } from '../rewrite/rewrite-applications.js';
import type { VendorPlan } from '../hermetic/vendor-plan.js';
import { rootTemplatePath, templatePath } from './kubeflow-apps.js';
import { UserError } from '../core/errors.js';
import type { LoginOptions } from '../core/login.js';
import { readDexUser, renderDexUser } from './render-dex-user.js';
import { renderLogin, rendersDexLogin } from './render-login.js';
import { dexPasswordFile, overlayDir, renderComponentOverlay, upstreamPathFor } from './render-overlay.js';

export const PLAN_VERSION = 1;

export interface ForkPlanInputs {
  readonly release: Release;
  readonly target: Target;
  readonly footprint: Footprint;
  readonly branch: string;
  /** The upstream as users name it (never a mirror): Applications pointing here are ours to rewrite. */
  readonly upstreamUrl: string;
  /** The fork as Argo CD will read it. */
  readonly forkUrl: string;
  readonly components: readonly ResolvedComponent[];
  readonly oidcIssuer?: string | undefined;
  /** A new bcrypt hash for the Dex user, when the password is being set or was never set. */
  readonly dexPasswordHash?: string | undefined;
  /** The Dex user's email (--admin-email); undefined keeps the fork's. */
  readonly adminEmail?: string | undefined;
  /** Upstream's Dex config patch in the fork (common/dex/…/config-map.yaml), needed for another email. */
  readonly dexConfigMap?: string | undefined;
  /** Login and exposure settings, when given (rendered into login/ and exposure/ Components). */
  readonly login?: LoginOptions | undefined;
  /** Upstream's oauth2_proxy.cfg in the fork, needed for the login. */
  readonly oauth2ProxyCfg?: string | undefined;
  /** The provider's CA bundle (--idp-ca-file), read before planning. */
  readonly idpCa?: string | undefined;
}

export interface ForkFacts {
  /** Contents of the fork's kubeflow-apps/ and overlays/ files (path relative to the repo root). */
  readonly existing: ReadonlyMap<string, string>;
  /** Files shipped with the installer: kubeflow-apps/<release>/… and overlays/components/…. */
  readonly templates: ReadonlyMap<string, string>;
  /** Vendoring of remote bases, planned over the fork's tree. */
  readonly vendor: VendorPlan;
}

export interface PlannedComponent {
  readonly name: string;
  readonly title: string;
  readonly wave: number;
  readonly namespace: string;
  readonly upstreamPath: string;
  /** The path the Application points at in the fork. */
  readonly path: string;
  readonly requestedBy: 'user' | readonly string[];
  readonly serverSideApply: boolean;
  readonly createNamespace: boolean;
}

export interface FileChange {
  readonly path: string;
  readonly action: 'create' | 'update';
  readonly before?: string | undefined;
  readonly after: string;
  /** For Applications: each value the rewrite changed. */
  readonly changes?: readonly ScalarChange[] | undefined;
}

export interface ForkPlan {
  readonly version: typeof PLAN_VERSION;
  readonly release: Release;
  readonly target: Target;
  readonly footprint: Footprint;
  readonly upstream: { readonly url: string };
  readonly fork: { readonly url: string; readonly branch: string };
  readonly components: readonly PlannedComponent[];
  readonly files: readonly FileChange[];
  readonly vendor: VendorPlan;
  /** Applications in the fork that this selection does not include; left alone. */
  readonly unselected: readonly string[];
  /** Secrets the apply step creates in the cluster with fresh random values (never in git). */
  readonly clusterSecrets: readonly {
    readonly namespace: string;
    readonly name: string;
    readonly keys: readonly string[];
  }[];
  readonly notes: readonly string[];
  /** The Dex user's login email, when Dex is selected. */
  readonly adminEmail?: string | undefined;
}

export function buildForkPlan(inputs: ForkPlanInputs, facts: ForkFacts): ForkPlan {
  const w = planWriter(inputs, facts);
  copySharedOverlays(w, facts);
  const dexUser = readDexUser(facts.existing.get(dexPasswordFile(inputs.target)));
  const email = inputs.adminEmail ?? dexUser.email ?? DEFAULT_ADMIN_EMAIL;
  const notes = inputs.components.flatMap((c) => planComponent(w, c, inputs, facts, email));
  const unselected = planRootAndOthers(w, inputs, facts);
  const dex = inputs.components.some((c) => c.spec.name === 'dex');
  if (dex) planDexUser(w, inputs, facts, dexUser, email);
  if (inputs.login !== undefined) planLogin(w, inputs, facts, inputs.login, email);
  return {
    version: PLAN_VERSION,
    release: inputs.release,
    target: inputs.target,
    footprint: inputs.footprint,
    upstream: { url: inputs.upstreamUrl },
    fork: { url: inputs.forkUrl, branch: inputs.branch },
    components: inputs.components.map((c) => plannedComponent(c, inputs.target)),
    files: w.files.sort((a, b) => a.path.localeCompare(b.path)),
    vendor: facts.vendor,
    unselected: unselected.sort(),
    clusterSecrets: clusterSecretsFor(inputs.components.map((c) => c.spec.name)),
    notes: [...TARGET_INFO[inputs.target].notes, ...notes],
    adminEmail: dex ? email : undefined,
  };
}

/** Collects the plan's file changes: a file is written only when its content changes. */
interface PlanWriter {
  readonly files: FileChange[];
  put(path: string, after: string, changes?: readonly ScalarChange[]): void;
  /** Points the Applications in `src` at the fork, touching only the values the tool manages. */
  rewrite(path: string, src: string): string;
  /** A new Application from a template, which must end up pointing at the fork. */
  create(path: string, templateFile: string): void;
}

function planWriter(inputs: ForkPlanInputs, facts: ForkFacts): PlanWriter {
  const files: FileChange[] = [];
  const put = (path: string, after: string, changes?: readonly ScalarChange[]): void => {
    const before = facts.existing.get(path);
    // A file planned twice (an overlay, then its login entry) is planned once, as it ends.
    const earlier = files.findIndex((f) => f.path === path);
    if (earlier >= 0) files.splice(earlier, 1);
    if (before === after) return;
    files.push({ path, action: before === undefined ? 'create' : 'update', before, after, changes });
  };
  const template = (path: string): string => {
    const t = facts.templates.get(path);
    if (t === undefined) throw new Error(`installer file missing: ${path} (reinstall ${TOOL})`);
    return t;
  };
  const pathByApp = new Map(inputs.components.map((c) => [c.spec.name, overlayDir(inputs.target, c.spec.name)]));
  const rules = {
    // The templates in kubeflow-apps/ name the public upstream whatever --upstream says; without it
    // a fork from an internal mirror kept Applications pointing at github.com.
    managedRepoURLs: [DEFAULT_UPSTREAM, inputs.upstreamUrl, ...forkUrlsIn(facts.existing.get(FORK_ROOT_APP_FILE))],
    repoURL: inputs.forkUrl,
    targetRevision: inputs.branch,
    pathFor: (_name: string, app: AppIdentity) => componentPath(pathByApp, app),
  };
  const rewrite = (path: string, src: string): string => {
    const { text, changes } = rewriteApplications(src, rules, path, path.endsWith('.json') ? 'json' : 'yaml');
    put(path, text, changes);
    return text;
  };
  // A file new from a template that does not point at the fork is our bug, caught before any push.
  const create = (path: string, templateFile: string): void => {
    const source = (
      parse(rewrite(path, template(templateFile))) as {
        spec?: { source?: { repoURL?: unknown; targetRevision?: unknown } };
      } | null
    )?.spec?.source;
    if (source?.repoURL !== inputs.forkUrl || source.targetRevision !== inputs.branch) {
      throw new Error(
        `internal: ${path}, made from ${TOOL}'s template ${templateFile}, points at ${String(source?.repoURL)} ${String(source?.targetRevision)} instead of the fork`,
      );
    }
  };
  return { files, put, rewrite, create };
}

/** Shared kustomize Components and the Argo CD overlay: copied once; the user's edits to them win. */
function copySharedOverlays(w: PlanWriter, facts: ForkFacts): void {
  for (const [path, content] of facts.templates) {
    if ((path.startsWith('overlays/components/') || path.startsWith('overlays/argocd/')) && !facts.existing.has(path))
      w.put(path, content);
  }
}

/** A component's overlay (only when absent) and its Application; returns the notes for the user. */
function planComponent(
  w: PlanWriter,
  c: ResolvedComponent,
  inputs: ForkPlanInputs,
  facts: ForkFacts,
  email: string,
): string[] {
  const notes: string[] = [];
  const overlay = `${overlayDir(inputs.target, c.spec.name)}/kustomization.yaml`;
  if (
    c.spec.name === 'user-namespace' &&
    facts.existing.has(overlay) &&
    email !== DEFAULT_ADMIN_EMAIL &&
    !(facts.existing.get(overlay) ?? '').includes(email)
  ) {
    notes.push(
      `${overlay} is yours and was written for another Dex user: give the example profile to ${email} there (spec.owner.name)`,
    );
  }
  if (!facts.existing.has(overlay)) {
    const ownerEmail = email === DEFAULT_ADMIN_EMAIL ? undefined : email;
    for (const f of renderComponentOverlay(c, {
      target: inputs.target,
      footprint: inputs.footprint,
      release: inputs.release,
      oidcIssuer: inputs.oidcIssuer,
      adminEmail: ownerEmail,
    })) {
      w.put(f.path, f.content);
    }
  }
  const appFile = `${FORK_APPS_DIR}/${c.spec.name}.yaml`;
  const existing = facts.existing.get(appFile);
  if (existing === undefined) w.create(appFile, templatePath(inputs.release, c.spec.name));
  else w.rewrite(appFile, existing);
  return notes;
}

/**
 * The root Application, and the Applications outside the selection: those the user added or kept
 * from an earlier selection still follow the fork when they pointed at the upstream or the previous
 * fork; others (their own repos, Helm charts) stay as they are. Returns the unselected ones' paths.
 */
function planRootAndOthers(w: PlanWriter, inputs: ForkPlanInputs, facts: ForkFacts): string[] {
  const root = facts.existing.get(FORK_ROOT_APP_FILE);
  if (root === undefined) w.create(FORK_ROOT_APP_FILE, rootTemplatePath(inputs.release));
  else w.rewrite(FORK_ROOT_APP_FILE, root);
  const selected = new Set(inputs.components.map((c) => `${FORK_APPS_DIR}/${c.spec.name}.yaml`));
  const unselected: string[] = [];
  for (const [path, src] of facts.existing) {
    if (!isTopLevelApp(path) || selected.has(path)) continue;
    unselected.push(path);
    w.rewrite(path, src);
  }
  return unselected;
}

/**
 * The Dex user file: a new hash or another email rewrites it; otherwise it is left exactly as it is
 * (it may carry edits). When the login renders Dex's configuration, the admin's email is set there.
 */
function planDexUser(
  w: PlanWriter,
  inputs: ForkPlanInputs,
  facts: ForkFacts,
  current: ReturnType<typeof readDexUser>,
  email: string,
): void {
  const names = inputs.components.map((c) => c.spec.name);
  const dexUserEmail = inputs.login && rendersDexLogin(inputs.login, names) ? DEFAULT_ADMIN_EMAIL : email;
  const file = dexPasswordFile(inputs.target);
  const hash = inputs.dexPasswordHash ?? current.hash;
  if (inputs.dexPasswordHash !== undefined || dexUserEmail !== DEFAULT_ADMIN_EMAIL || current.email !== undefined) {
    if (hash === undefined)
      throw new UserError(
        `${file} in the fork holds no bcrypt hash to keep; set the password with --admin-password-file or KFG_ADMIN_PASSWORD`,
      );
    w.put(file, renderDexUser(hash, dexUserEmail, inputs.dexConfigMap));
  } else if (!facts.existing.has(file)) {
    throw new Error('internal: a Dex password hash is needed for a new Dex overlay');
  }
}

/** The login and exposure Components, over the overlays planned so far. */
function planLogin(w: PlanWriter, inputs: ForkPlanInputs, facts: ForkFacts, login: LoginOptions, email: string): void {
  const planned = new Map(w.files.map((f) => [f.path, f.after]));
  for (const f of renderLogin({
    login,
    overlayDirOf: (c) => overlayDir(inputs.target, c),
    components: inputs.components.map((c) => c.spec.name),
    adminEmail: email,
    dexConfigMap: inputs.dexConfigMap,
    oauth2ProxyCfg: inputs.oauth2ProxyCfg,
    idpCa: inputs.idpCa,
    targetComponents: TARGET_INFO[inputs.target].patches.filter((p) => p.components === '*').map((p) => p.overlay),
    overlayText: (path) => planned.get(path) ?? facts.existing.get(path),
  }))
    w.put(f.path, f.content);
}

function plannedComponent(c: ResolvedComponent, target: Target): PlannedComponent {
  return {
    name: c.spec.name,
    title: c.spec.title,
    wave: c.wave,
    namespace: c.spec.namespace,
    upstreamPath: upstreamPathFor(c, target).path,
    path: overlayDir(target, c.spec.name),
    requestedBy: c.requestedBy,
    serverSideApply: c.spec.serverSideApply,
    createNamespace: c.spec.createNamespace,
  };
}

/**
 * The path of the component an Application is, by its component annotation: a team Application
 * that shares a component's name (in another namespace, say) is not that component.
 */
function componentPath(pathByComponent: ReadonlyMap<string, string>, app: AppIdentity): string | undefined {
  const component = app.annotations[ANNOTATION_COMPONENT];
  return component === undefined ? undefined : pathByComponent.get(component);
}

/** A file the root's directory source reads: directly in kubeflow-apps/, YAML or JSON, as Argo CD does. */
function isTopLevelApp(path: string): boolean {
  return (
    path.startsWith(`${FORK_APPS_DIR}/`) &&
    !path.slice(FORK_APPS_DIR.length + 1).includes('/') &&
    /\.(ya?ml|json)$/.test(path)
  );
}

/**
 * Fork URLs written by an earlier run, read from the root Application in the fork. A root that does
 * not parse gives none here: rewriting it then reports the error with its file, line and column.
 */
function forkUrlsIn(rootApp: string | undefined): string[] {
  if (rootApp === undefined) return [];
  const doc = parseDocument(rootApp);
  if (doc.errors.length > 0) return [];
  const url: unknown = doc.getIn(['spec', 'source', 'repoURL']);
  return typeof url === 'string' ? [url] : [];
}

/** Secrets the apply step creates in the cluster for these components (never in git). */
export function clusterSecretsFor(components: readonly string[]): ForkPlan['clusterSecrets'] {
  const names = new Set(components);
  const out: { namespace: string; name: string; keys: string[] }[] = [];
  if (names.has('oauth2-proxy'))
    out.push({
      namespace: 'oauth2-proxy',
      name: 'oauth2-proxy-credentials',
      keys: ['client-id', 'client-secret', 'cookie-secret'],
    });
  if (names.has('dex'))
    out.push({ namespace: 'auth', name: 'dex-oidc-client', keys: ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] });
  return out;
}
