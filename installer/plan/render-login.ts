/**
 * The login and exposure as files in the fork: one kustomize Component per touched component, in a
 * folder beside its overlay (`overlays/<target>/<component>/login/` or `…/exposure/`), and one entry
 * for it in the overlay's `components:`. The folders are re-rendered whenever login settings are
 * given and otherwise left as they are, so `upgrade` (which merges upstream under them) keeps them;
 * the overlay files stay the user's. Pure.
 */
import { posix } from 'node:path';
import { UserError } from '../core/errors.js';
import type { LoginOptions } from '../core/login.js';
import { withComponentEntry } from './add-component-entry.js';
import { renderDexLoginComponent } from './render-dex-login.js';
import { renderGatewayComponent, renderIngressComponent, renderWebAppComponent } from './render-exposure.js';
import { renderOauth2ProxyLoginComponent } from './render-oauth2-proxy-login.js';
import { loginUrls } from './login-urls.js';

export interface LoginRenderInputs {
  readonly login: LoginOptions;
  /** overlays/<target>/<component>, by component. */
  readonly overlayDirOf: (component: string) => string;
  readonly components: readonly string[];
  readonly adminEmail: string;
  /** Upstream's Dex ConfigMap patch and oauth2_proxy.cfg from the fork, when those components are selected. */
  readonly dexConfigMap?: string | undefined;
  readonly oauth2ProxyCfg?: string | undefined;
  /** The provider's CA bundle (--idp-ca-file), when given: public data, rendered beside the config. */
  readonly idpCa?: string | undefined;
  /** The target's Components that patch every component by kind (overlays/components/<name>). */
  readonly targetComponents?: readonly string[] | undefined;
  /** The overlay's kustomization.yaml as this run leaves it so far. */
  readonly overlayText: (path: string) => string | undefined;
}

export interface LoginFile {
  readonly path: string;
  readonly content: string;
}

/** Checks that the selection can carry the login; names the flag to change. */
export function loginProblems(login: LoginOptions, components: readonly string[]): string[] {
  const has = new Set(components);
  const out: string[] = [];
  const idp = login.provider?.idp;
  if (idp !== undefined && !has.has('oauth2-proxy'))
    out.push(`--idp ${idp} needs the oauth2-proxy component in --components`);
  if (idp !== undefined && idp !== 'oidc-direct' && !has.has('dex'))
    out.push(`--idp ${idp} goes through Dex: add dex to --components (or use --idp oidc-direct)`);
  // Upstream's self-signed ClusterIssuer ships with kubeflow-issuer, or (from 26.03) with cert-manager.
  if (login.tls?.kind === 'self-signed' && !has.has('kubeflow-issuer') && !has.has('cert-manager'))
    out.push('--tls self-signed uses the self-signed issuer of cert-manager: add cert-manager to --components');
  if (login.tls?.kind === 'acme' && !has.has('cert-manager'))
    out.push('--tls acme: needs cert-manager in --components');
  if (login.tls !== undefined && !has.has('kubeflow-istio-resources'))
    out.push('--tls needs the kubeflow-istio-resources component (the Kubeflow gateway) in --components');
  if (login.expose !== 'port-forward' && !has.has('istio'))
    out.push(`--expose ${login.expose} needs istio in --components`);
  return out;
}

/** Whether Dex's configuration is the login's (then the Dex user file carries only the password hash). */
export function rendersDexLogin(login: LoginOptions, components: readonly string[]): boolean {
  const viaDex = login.provider !== undefined && login.provider.idp !== 'oidc-direct';
  return components.includes('dex') && (viaDex || login.url !== undefined || !login.staticUser);
}

export function renderLogin(inputs: LoginRenderInputs): LoginFile[] {
  const { login } = inputs;
  const problems = loginProblems(login, inputs.components);
  if (problems.length > 0) throw new UserError(problems.join('\n'));
  const urls = loginUrls(login);
  const has = new Set(inputs.components);
  const out: LoginFile[] = [];
  const add = (component: string, folder: string, files: Record<string, string> | undefined, why: string): void => {
    if (files === undefined || !has.has(component)) return;
    const dir = inputs.overlayDirOf(component);
    for (const [name, content] of Object.entries(files)) out.push({ path: posix.join(dir, folder, name), content });
    const overlay = posix.join(dir, 'kustomization.yaml');
    const text = inputs.overlayText(overlay);
    if (text === undefined) throw new Error(`internal: ${overlay} is neither in the fork nor planned`);
    const after = withComponentEntry(text, folder, overlay, why);
    if (after !== text) out.push({ path: overlay, content: after });
  };

  if (rendersDexLogin(login, inputs.components)) {
    if (inputs.dexConfigMap === undefined)
      throw new UserError(
        "the fork has no upstream Dex configuration (the dex component's config-map.yaml) to render the login into",
      );
    add(
      'dex',
      'login',
      renderDexLoginComponent(inputs.dexConfigMap, login, urls, inputs.adminEmail, inputs.idpCa),
      'the login settings (--idp, --url), generated by kubeflow-gitops',
    );
  }
  if (has.has('oauth2-proxy')) {
    if (inputs.oauth2ProxyCfg === undefined)
      throw new UserError(
        "the fork has no upstream oauth2_proxy.cfg (the oauth2-proxy component's base) to render the login into",
      );
    add(
      'oauth2-proxy',
      'login',
      renderOauth2ProxyLoginComponent(inputs.oauth2ProxyCfg, login, urls, inputs.idpCa),
      'the login settings (--idp, --url), generated by kubeflow-gitops',
    );
  }
  add(
    'kubeflow-istio-resources',
    'exposure',
    renderGatewayComponent(login, urls, inputs.targetComponents),
    'HTTPS at --url (--tls), generated by kubeflow-gitops',
  );
  add(
    'istio',
    'exposure',
    renderIngressComponent(login, urls, inputs.targetComponents),
    'how the gateway is reached (--expose), generated by kubeflow-gitops',
  );
  for (const c of inputs.components)
    add(c, 'exposure', renderWebAppComponent(c, urls), 'secure cookies follow --url, generated by kubeflow-gitops');
  return out;
}
