/** The names `--idp` and `--expose` accept (a leaf module: settings.ts and login-options.ts both read it). */
export const IDPS = ['oidc', 'github', 'google', 'microsoft', 'ldap', 'oidc-direct'] as const;
export type Idp = (typeof IDPS)[number];
export const EXPOSURES = ['port-forward', 'loadbalancer', 'nodeport', 'ingress'] as const;
export type Exposure = (typeof EXPOSURES)[number];
