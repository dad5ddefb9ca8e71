import { describe, expect, it } from 'vitest';
import { resolveComponents } from '../../../installer/catalogue/resolve-components.js';
import { readTemplates } from '../../../installer/steps/read-fork-files.js';
import { buildForkPlan, type ForkPlanInputs } from '../../../installer/plan/build-fork-plan.js';
import { readDexUser, renderDexUser, withStaticUserEmail } from '../../../installer/plan/render-dex-user.js';
import { renderDexPasswordPatch } from '../../../installer/plan/render-overlay.js';
import { projectRoot } from '../../support/fixtures.js';

// Kubeflow 26.03 common/dex/overlays/oauth2-proxy/config-map.yaml, as upstream ships it.
const UPSTREAM = `apiVersion: v1
kind: ConfigMap
metadata:
  name: dex
data:
  config.yaml: |
    issuer: http://dex.auth.svc.cluster.local:5556/dex
    storage:
      type: kubernetes
      config:
        inCluster: true
    web:
      http: 0.0.0.0:5556
    logger:
      level: "debug"
      format: text
    oauth2:
      skipApprovalScreen: true
    enablePasswordDB: true
    staticPasswords:
    - email: user@example.com
      hashFromEnv: DEX_USER_PASSWORD
      username: user
      userID: "15841185641784"
    staticClients:
    # https://github.com/dexidp/dex/pull/1664
    - idEnv: OIDC_CLIENT_ID
      redirectURIs: ["/oauth2/callback"]
      name: 'Dex Login Application'
      secretEnv: OIDC_CLIENT_SECRET
`;
const HASH = '$2a$12$abcdefghijklmnopqrstuuN0aX8v6m6jzk6cQ3t8GJ9y0wq0H0Gm2';
const configOf = (file: string) => (/config\.yaml: \|\n((?: {4}.*\n)+)/.exec(file)?.[1] ?? '').replace(/^ {4}/gm, '');

describe('the Dex static user in the fork', () => {
  it("for upstream's email the file is exactly the password patch it always was", () => {
    expect(renderDexUser(HASH, 'user@example.com', UPSTREAM)).toBe(renderDexPasswordPatch(HASH));
    expect(readDexUser(renderDexPasswordPatch(HASH))).toEqual({ hash: HASH, email: undefined });
  });

  it("another email patches upstream's config with only that scalar changed, and reads back", () => {
    const file = renderDexUser(HASH, 'ada@example.org', UPSTREAM);
    expect(file.startsWith(renderDexPasswordPatch(HASH))).toBe(true);
    const upstreamConfig = configOf(UPSTREAM);
    expect(configOf(file.split('\n---\n')[1] ?? '')).toBe(
      upstreamConfig.replace('- email: user@example.com', '- email: ada@example.org'),
    );
    expect(readDexUser(file)).toEqual({ hash: HASH, email: 'ada@example.org' });
    expect(
      withStaticUserEmail(
        'staticPasswords:\n- email: "user@example.com"\n  hashFromEnv: DEX_USER_PASSWORD\n',
        'a#b@x.io',
      ),
    ).toBe('staticPasswords:\n- email: "a#b@x.io"\n  hashFromEnv: DEX_USER_PASSWORD\n');
  });

  it("without upstream's Dex config another email is an error naming the flag", () => {
    expect(() => renderDexUser(HASH, 'ada@example.org', undefined)).toThrow(/--admin-email/);
    expect(() => withStaticUserEmail('staticPasswords: []\n', 'a@b.io')).toThrow(/no static password entry/);
  });
});

describe('buildForkPlan and --admin-email', () => {
  const plan = async (over: Partial<ForkPlanInputs>, existing = new Map<string, string>()) =>
    buildForkPlan(
      {
        release: '26.03',
        target: 'kind',
        footprint: 'small',
        branch: 'kubeflow-gitops',
        upstreamUrl: 'https://github.com/kubeflow/manifests',
        forkUrl: 'https://git.example.com/me/kf.git',
        components: resolveComponents(['user-namespace'], '26.03'),
        dexConfigMap: UPSTREAM,
        ...over,
      },
      { existing, templates: await readTemplates(projectRoot, '26.03'), vendor: { sources: [], rewrites: [] } },
    );
  const file = 'overlays/kind/dex/dex-passwords.yaml';
  const asExisting = (p: Awaited<ReturnType<typeof plan>>) => new Map(p.files.map((f) => [f.path, f.after]));

  it('a new fork for another email: Dex config and the example profile owner follow it; a re-run changes nothing', async () => {
    const first = await plan({ dexPasswordHash: HASH, adminEmail: 'ada@example.org' });
    expect(first.adminEmail).toBe('ada@example.org');
    expect(readDexUser(first.files.find((f) => f.path === file)?.after).email).toBe('ada@example.org');
    expect(first.files.find((f) => f.path === 'overlays/kind/user-namespace/kustomization.yaml')?.after).toContain(
      'value: "ada@example.org"',
    );
    const again = await plan({ adminEmail: 'ada@example.org' }, asExisting(first));
    expect(again.files).toEqual([]);
    // Without --admin-email the fork keeps its email.
    expect((await plan({}, asExisting(first))).files).toEqual([]);
  });

  it("changing the email rewrites only the Dex file, keeps the hash, and notes the profile overlay that is the user's", async () => {
    const first = await plan({ dexPasswordHash: HASH });
    expect(first.files.find((f) => f.path === file)?.after).toBe(renderDexPasswordPatch(HASH));
    const moved = await plan({ adminEmail: 'grace@example.org' }, asExisting(first));
    expect(moved.files.map((f) => f.path)).toEqual([file]);
    expect(readDexUser(moved.files[0]?.after)).toEqual({ hash: HASH, email: 'grace@example.org' });
    expect(moved.notes.join('\n')).toContain('overlays/kind/user-namespace/kustomization.yaml is yours');
    const back = await plan({ adminEmail: 'user@example.com' }, asExisting(moved));
    expect(back.files.find((f) => f.path === file)?.after).toBe(renderDexPasswordPatch(HASH));
  });
});
