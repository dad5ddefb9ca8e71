/**
 * `upgrade` as users meet it: a fork made by the real fork code at v1.11.0 over loopback git with
 * token auth, customised the way a team would, upgraded to 26.03. Real git merges, the real fixture
 * releases, renders with kubectl kustomize and the network cut off. Conflicts and their continue and
 * abort go through the CLI for the exit codes and messages.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFork } from '../../installer/commands/fork/run-fork.js';
import { runUpgrade } from '../../installer/commands/upgrade/run-upgrade.js';
import { loginOptionsFrom } from '../../installer/inputs/login-options.js';
import type { ObjectName } from '../../installer/catalogue/upgrade-steps.js';
import { findRemoteResources } from '../../installer/hermetic/find-remote-resources.js';
import { nodeTreeReader } from '../../installer/hermetic/vendor-remote-bases.js';
import { fixturesMissing, projectRoot } from '../support/fixtures.js';
import { run, startForkEnv, TOKEN, type ForkEnv } from '../support/fork-env.js';
import { renderOffline } from '../support/render-offline.js';

const CLI = join(projectRoot, 'installer', 'cli.ts');
const ID = ['-c', 'user.name=team', '-c', 'user.email=team@example.com'];

interface App {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { source: { repoURL: string; targetRevision: string; path: string } };
}
interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** The path of every child Application of a clone. */
function childPaths(dir: string): string[] {
  return readdirSync(join(dir, 'kubeflow-apps'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => (parse(readFileSync(join(dir, 'kubeflow-apps', f), 'utf8')) as App).spec.source.path);
}

/** group/kind/namespace/name -> the component (overlays/<target>/<component>) that renders it, and the object. */
function renderedObjects(rendered: Map<string, { yaml?: string }>): Map<string, { app: string; doc: Doc }> {
  const out = new Map<string, { app: string; doc: Doc }>();
  for (const [path, { yaml }] of rendered) {
    for (const d of parseAllDocuments(yaml ?? '')) {
      const doc = d.toJS() as Doc | null;
      if (doc === null) continue;
      const group = doc.apiVersion.includes('/') ? (doc.apiVersion.split('/')[0] ?? '') : '';
      out.set(`${group}/${doc.kind}/${doc.metadata.namespace ?? ''}/${doc.metadata.name}`, {
        app: path.split('/').pop() ?? '',
        doc,
      });
    }
  }
  return out;
}

describe.skipIf(fixturesMissing())('upgrade', () => {
  let env: ForkEnv;
  beforeAll(async () => {
    env = await startForkEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  const tip = async (fork: string): Promise<string> =>
    (await env.git(['ls-remote', fork, 'refs/heads/kubeflow-gitops'])).split('\t')[0] ?? '';
  async function clone(fork: string): Promise<string> {
    const dir = join(mkdtempSync(join(env.root, 'team-')), 'fork');
    await env.git(['clone', '--quiet', '--branch', 'kubeflow-gitops', fork, dir]);
    return dir;
  }
  async function pushAll(dir: string, message: string): Promise<void> {
    await env.git(['add', '--all'], dir);
    await env.git([...ID, 'commit', '--quiet', '-m', message], dir);
    await env.git(['push', '--quiet', 'origin', 'HEAD:kubeflow-gitops'], dir);
  }
  const edit = (file: string, from: string, to: string): void => {
    const text = readFileSync(file, 'utf8');
    if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
    writeFileSync(file, text.replace(from, to));
  };
  async function cli(args: string[], stateDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], {
        cwd: projectRoot,
        maxBuffer: 1 << 26,
        env: { ...process.env, KFG_GIT_TOKEN: TOKEN, KFG_STATE_DIR: stateDir },
      });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('v1.11.0 -> 26.03 keeps every customisation, points at the new paths, renders offline, one merge commit; a re-run is a no-op', async () => {
    const fork = await env.newFork('custom');
    const opts = env.options({ fork, release: 'v1.11.0', target: 'kind', components: 'all' });
    await runFork(opts, env.deps());

    // The team customises the fork as people do: in a clone, by hand, pushed.
    const team = await clone(fork);
    const pipelines = join(team, 'overlays/kind/pipelines');
    writeFileSync(
      join(pipelines, 'ui-replicas.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ml-pipeline-ui\n  namespace: kubeflow\nspec:\n  replicas: 3\n',
    );
    writeFileSync(
      join(pipelines, 'kustomization.yaml'),
      `${readFileSync(join(pipelines, 'kustomization.yaml'), 'utf8')}patches:\n  # team: more UI replicas\n  - path: ui-replicas.yaml\n`,
    );
    edit(
      join(team, 'kubeflow-apps/katib.yaml'),
      '  project: default\n',
      '  # team: katib belongs to the research project\n  project: default\n',
    );
    edit(
      join(team, 'kubeflow-apps/katib.yaml'),
      '      - RespectIgnoreDifferences=true\n',
      '      - RespectIgnoreDifferences=true\n      - PruneLast=true\n',
    );
    mkdirSync(join(team, 'team/quota'), { recursive: true });
    writeFileSync(join(team, 'team/quota/kustomization.yaml'), 'resources:\n  - quota.yaml\n');
    writeFileSync(
      join(team, 'team/quota/quota.yaml'),
      'apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: team-quota\n  namespace: kubeflow\nspec:\n  hard:\n    pods: "200"\n',
    );
    writeFileSync(
      join(team, 'kubeflow-apps/team-quota.yaml'),
      `# Our own Application, next to kubeflow-gitops' ones.\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: team-quota\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: ${fork}\n    targetRevision: kubeflow-gitops\n    path: team/quota\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: kubeflow\n`,
    );
    // An upstream file upstream leaves alone between the releases: the merge keeps the team's pin.
    edit(
      join(team, 'applications/katib/upstream/installs/katib-with-kubeflow/kustomization.yaml'),
      '  newName: ghcr.io/kubeflow/katib/katib-ui\n  newTag: v0.19.0',
      '  newName: ghcr.io/kubeflow/katib/katib-ui\n  newTag: v0.19.0-team',
    );
    await pushAll(team, 'team customisations');
    const before = await tip(fork);
    const katibApp = readFileSync(join(team, 'kubeflow-apps/katib.yaml'), 'utf8');

    // Killed before the push: nothing reaches the fork, and the next run starts over cleanly.
    const deps = env.deps();
    const killed = { ...deps, git: { ...deps.git, push: () => Promise.reject(new Error('killed')) } };
    await expect(runUpgrade({ fork: opts, to: '26.03', action: 'start' }, killed)).rejects.toThrow('killed');
    expect(await tip(fork)).toBe(before);

    const r = await runUpgrade({ fork: opts, to: '26.03', action: 'start' }, deps);
    if (r.kind !== 'upgraded') throw new Error(`expected an upgrade, got ${r.kind}`);
    expect(r.pushed).toBe(true);
    expect(r.plan.components).toContainEqual({ name: 'kubeflow-issuer', change: 'merged', into: 'cert-manager' });
    expect(r.plan.components).toContainEqual({
      name: 'network-policies',
      change: 'merged',
      into: 'kubeflow-namespace',
    });
    expect(r.plan.components).toContainEqual({
      name: 'pipelines',
      change: 'moved',
      from: 'applications/pipeline/upstream/env/cert-manager/platform-agnostic-multi-user',
      to: 'applications/pipeline/overlays',
    });
    expect(readdirSync(join(deps.stateDir, 'upgrades'))).toEqual([]);

    // Exactly one new commit of ours: the merge of upstream's 26.03 tag.
    const after = await tip(fork);
    expect(after).toBe(r.revision);
    const bare = join(env.root, 'git', 'me', 'custom.git');
    const release = (
      await env.git(['rev-parse', 'refs/tags/26.03^{commit}'], join(env.root, 'git', 'kubeflow', 'manifests.git'))
    ).trim();
    expect((await env.git(['rev-list', after, `^${before}`, `^${release}`], bare)).trim().split('\n')).toEqual([after]);
    expect((await env.git(['rev-list', '--parents', '-n1', after], bare)).trim().split(' ')).toEqual([
      after,
      before,
      release,
    ]);

    const up = await clone(fork);
    expect(readFileSync(join(up, 'kubeflow-apps/katib.yaml'), 'utf8')).toBe(katibApp);
    expect(readFileSync(join(up, 'overlays/kind/pipelines/kustomization.yaml'), 'utf8')).toContain(
      '  # team: more UI replicas\n  - path: ui-replicas.yaml\n',
    );
    expect(readFileSync(join(up, 'overlays/kind/pipelines/kustomization.yaml'), 'utf8')).toContain(
      '  - ../../../applications/pipeline/overlays\n',
    );
    expect(readFileSync(join(up, 'overlays/kind/cert-manager/kustomization.yaml'), 'utf8')).toContain(
      '  - ../../../common/cert-manager/overlays/kubeflow\n',
    );
    expect(readFileSync(join(up, 'kubeflow-apps/team-quota.yaml'), 'utf8')).toBe(
      readFileSync(join(team, 'kubeflow-apps/team-quota.yaml'), 'utf8'),
    );
    expect(existsSync(join(up, 'kubeflow-apps/kubeflow-issuer.yaml'))).toBe(false);
    expect(existsSync(join(up, 'overlays/kind/network-policies'))).toBe(false);

    const apps = readdirSync(join(up, 'kubeflow-apps'))
      .filter((f) => f.endsWith('.yaml'))
      .flatMap((f) =>
        parseAllDocuments(readFileSync(join(up, 'kubeflow-apps', f), 'utf8')).map((d) => d.toJS() as App),
      );
    const components = apps.filter((a) => a.metadata.annotations?.['kubeflow-gitops.io/component'] !== undefined);
    expect(components.map((a) => a.metadata.name).sort()).toEqual(r.plan.selection.map((c) => c.name).sort());
    expect(components).toHaveLength(27);
    for (const a of components) {
      expect([a.spec.source.repoURL, a.spec.source.targetRevision, a.spec.source.path]).toEqual([
        fork,
        'kubeflow-gitops',
        `overlays/kind/${a.metadata.name}`,
      ]);
    }
    const paths = apps.map((a) => a.spec.source.path);
    expect((await findRemoteResources(up, paths, nodeTreeReader)).remotes).toEqual([]);
    const rendered = await renderOffline(up, paths);
    expect([...rendered].filter(([, v]) => v.error !== undefined).map(([p, v]) => `${p}: ${v.error ?? ''}`)).toEqual(
      [],
    );
    const ui = parseAllDocuments(rendered.get('overlays/kind/pipelines')?.yaml ?? '')
      .map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec?: { replicas?: number } })
      .find((o) => o.kind === 'Deployment' && o.metadata.name === 'ml-pipeline-ui');
    expect(ui?.spec?.replicas).toBe(3);
    expect(rendered.get('overlays/kind/katib')?.yaml).toContain('ghcr.io/kubeflow/katib/katib-ui:v0.19.0-team');
    expect(rendered.get('overlays/kind/cert-manager')?.yaml).toContain('kind: ClusterIssuer');
    expect(rendered.get('team/quota')?.yaml).toContain('name: team-quota');

    // Landed: the same upgrade again makes no commit and pushes nothing.
    const again = await runUpgrade({ fork: opts, to: '26.03', action: 'start' }, env.deps());
    expect(again).toMatchObject({ kind: 'up-to-date', committed: false, pushed: false, revision: after });
    expect(await tip(fork)).toBe(after);
    // fork with the old release no longer applies to the branch, and says so.
    await expect(runFork(opts, env.deps())).rejects.toThrow(
      /is on Kubeflow 26\.03 \(upgraded\), not v1\.11\.0\. Nothing was changed\.\nPass --release 26\.03/,
    );
  });

  it('26.03 -> 26.03.1-rc.2: the dashboard and notebooks folders move in place under their names, every child renders offline, login and HTTPS kept', async () => {
    const fork = await env.newFork('ten-folders');
    const opts = env.options({ fork, release: '26.03', target: 'kind', components: 'all' });
    // The install's login and exposure (--idp, --url, --expose, --tls) ride along and must survive.
    const login = loginOptionsFrom({
      idp: 'github',
      idpClientId: 'kubeflow',
      allowedGroups: ['acme'],
      adminEmail: 'ada@example.org',
      url: 'https://kf.example.com',
      expose: 'loadbalancer',
      tls: 'self-signed',
    });
    await runFork({ ...opts, adminEmail: 'ada@example.org', login }, env.deps());
    const old = await clone(fork);
    const oldObjects = renderedObjects(await renderOffline(old, childPaths(old)));
    // plan --to names upstream's manual steps before anything changes.
    const state = mkdtempSync(join(env.root, 'state-'));
    const plan = await cli(['plan', '--fork', fork, '--mirror', env.mirror, '--yes', '--to', '26.03.1-rc.2'], state);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(
      'replace Deployment kubeflow-system/jobset-controller-manager (trainer) through Argo CD',
    );
    expect(plan.stdout).toContain('replace ClusterRoleBinding llmisvc-manager-rolebinding (kserve)');
    expect(plan.stdout).toMatch(/remove \d+ old object\(s\) of admission-webhook/);
    expect(plan.stdout).toContain(
      'hand ClusterIssuer kubeflow-self-signing-issuer, NetworkPolicy cert-manager/cert-manager-webhook',
    );
    expect(plan.stdout).toContain("hold users' data");
    expect(await tip(fork)).toBe((await env.git(['rev-parse', 'HEAD'], old)).trim());
    const r = await runUpgrade({ fork: opts, to: '26.03.1-rc.2', action: 'start' }, env.deps());
    if (r.kind !== 'upgraded') throw new Error(`expected an upgrade, got ${r.kind}`);
    expect(r.plan.components).toContainEqual({
      name: 'central-dashboard',
      change: 'moved',
      from: 'applications/centraldashboard/overlays/oauth2-proxy',
      to: 'applications/dashboard/overlays/istio',
    });
    expect(r.plan.components).toContainEqual({ name: 'profiles', change: 'merged', into: 'central-dashboard' });
    expect(r.plan.components).toContainEqual({
      name: 'jupyter-web-app',
      change: 'merged',
      into: 'notebook-controller',
    });

    const up = await clone(fork);
    const apps = readdirSync(join(up, 'kubeflow-apps'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => parse(readFileSync(join(up, 'kubeflow-apps', f), 'utf8')) as App);
    expect(apps.map((a) => a.metadata.name).sort()).toEqual(r.plan.selection.map((c) => c.name).sort());
    expect(existsSync(join(up, 'kubeflow-apps/profiles.yaml'))).toBe(false);
    expect(existsSync(join(up, 'overlays/kind/profiles'))).toBe(false);
    expect(readFileSync(join(up, 'overlays/kind/notebook-controller/kustomization.yaml'), 'utf8')).toContain(
      '  - ../../../applications/notebooks-v1/overlays/istio\n',
    );
    const paths = apps.map((a) => a.spec.source.path);
    expect((await findRemoteResources(up, paths, nodeTreeReader)).remotes).toEqual([]);
    const rendered = await renderOffline(up, paths);
    expect([...rendered].filter(([, v]) => v.error !== undefined).map(([p, v]) => `${p}: ${v.error ?? ''}`)).toEqual(
      [],
    );
    // The Profiles CRD now comes from the dashboard's Application, the Notebook CRD still from its own.
    expect(rendered.get('overlays/kind/central-dashboard')?.yaml).toContain('name: profiles.kubeflow.org');
    expect(rendered.get('overlays/kind/notebook-controller')?.yaml).toContain('name: notebooks.kubeflow.org');
    expect(rendered.get('overlays/kind/kubeflow-issuer')?.yaml).toContain('kind: ClusterIssuer');
    // Login and HTTPS kept through the upgrade, every piece still on the one URL.
    for (const file of [
      'dex/login/dex-config.yaml',
      'oauth2-proxy/login/oauth2_proxy.cfg',
      'kubeflow-istio-resources/exposure/certificate.yaml',
    ])
      expect(readFileSync(join(up, 'overlays/kind', file), 'utf8')).toBe(
        readFileSync(join(old, 'overlays/kind', file), 'utf8'),
      );
    const dexYaml = rendered.get('overlays/kind/dex')?.yaml ?? '';
    expect(dexYaml).toContain('issuer: https://kf.example.com/dex');
    expect(dexYaml).toMatch(/type: github[\s\S]*redirectURI: https:\/\/kf\.example\.com\/dex\/callback/);
    const proxyYaml = rendered.get('overlays/kind/oauth2-proxy')?.yaml ?? '';
    expect(proxyYaml).toContain('oidc_issuer_url = "https://kf.example.com/dex"');
    expect(proxyYaml).toMatch(/^\s+issuer: https:\/\/kf\.example\.com\/dex$/m);
    expect(rendered.get('overlays/kind/kubeflow-istio-resources')?.yaml).toMatch(/hosts:\n\s+- kf\.example\.com/);
    expect(rendered.get('overlays/kind/istio')?.yaml).toContain('type: LoadBalancer');

    // The upgrade steps' data names real objects: what each step says of them holds in both renders.
    const newObjects = renderedObjects(rendered);
    const key = (o: ObjectName) => `${o.group}/${o.kind}/${o.namespace ?? ''}/${o.name}`;
    const at = (o: unknown, path: readonly string[]): unknown =>
      path.reduce<unknown>((v, p) => (v as Record<string, unknown> | undefined)?.[p], o);
    expect(r.plan.steps.length).toBeGreaterThan(5);
    for (const s of r.plan.steps) {
      if (s.action === 'replace') {
        const before = oldObjects.get(key(s.object));
        const after = newObjects.get(key(s.object));
        expect(after?.app, key(s.object)).toBe(s.app);
        expect(s.stale, key(s.object)).toContainEqual(at(before?.doc, s.field));
        expect(s.stale, key(s.object)).not.toContainEqual(at(after?.doc, s.field));
      } else if (s.action === 'remove') {
        for (const o of s.objects) {
          expect(s.apps, key(o)).toContain(oldObjects.get(key(o))?.app);
          expect(newObjects.has(key(o)), key(o)).toBe(false);
        }
      } else if (s.action === 'hand-over') {
        for (const o of s.objects) {
          expect(oldObjects.get(key(o))?.app, key(o)).toBe(s.from);
          expect(newObjects.get(key(o))?.app, key(o)).toBe(s.to);
        }
      } else {
        // Every CRD held for users' data is one a component ships.
        const crds = new Set(
          [...oldObjects.values(), ...newObjects.values()]
            .filter((x) => x.doc.kind === 'CustomResourceDefinition')
            .map((x) => x.doc.metadata.name),
        );
        const missing = s.crds.filter((c) => !crds.has(c));
        // Training Operator v1 is not in `all` from v1.11.0 on; its CRDs are checked by name pattern only.
        expect(missing.filter((c) => !/^(pytorch|tf|mpi|jax|paddle|xgboost)jobs\.kubeflow\.org$/.test(c))).toEqual([]);
      }
    }
  });

  it("a conflict in the tool's own vendoring edit is settled automatically: upstream's side, vendored again", async () => {
    // The real releases never touch a vendored line, so make an upstream whose 26.03 does: a line
    // added between the two remote entries that fork rewrote to vendor/ paths conflicts in git.
    const file = 'applications/pipeline/upstream/third-party/argo/installs/cluster/kustomization.yaml';
    const upstream = join(env.root, 'git', 'kubeflow', 'manifests-next.git');
    const work = join(mkdtempSync(join(env.root, 'next-')), 'm');
    await run('git', ['clone', '--quiet', '--mirror', join(env.root, 'git', 'kubeflow', 'manifests.git'), upstream]);
    await run('git', ['clone', '--quiet', upstream, work]);
    await run('git', ['checkout', '--quiet', '--detach', '26.03'], { cwd: work });
    edit(
      join(work, file),
      'minimal?ref=v3.7.3\n',
      'minimal?ref=v3.7.3\n# upstream: the RBAC of the cluster-wide install\n',
    );
    await run('git', [...ID, 'commit', '--quiet', '-am', 'upstream edit next to a remote entry'], { cwd: work });
    await run('git', ['tag', '-f', '26.03'], { cwd: work });
    await run('git', ['push', '--quiet', '--force', 'origin', 'refs/tags/26.03'], { cwd: work });

    const fork = await env.newFork('tool-conflict');
    const mirror = [`https://github.com/kubeflow/manifests=${env.server.url}/kubeflow/manifests-next`, env.mirror];
    const opts = env.options({ fork, release: 'v1.11.0', target: 'generic', components: 'pipelines', mirror });
    await runFork(opts, env.deps());
    const r = await runUpgrade({ fork: opts, to: '26.03', action: 'start' }, env.deps());
    expect(r.kind).toBe('upgraded');
    if (r.kind !== 'upgraded') return;
    expect(r.autoResolved).toEqual([{ path: file, why: expect.stringContaining('vendoring again') as unknown }]);
    const up = await clone(fork);
    const text = readFileSync(join(up, file), 'utf8');
    expect(text).toContain('# upstream: the RBAC of the cluster-wide install\n');
    expect(text).toContain(
      '- ../../../../../../../vendor/github.com/argoproj/argo-workflows@v3.7.3/manifests/base/crds/minimal\n',
    );
    expect(text).not.toContain('https://');
    expect(
      (await renderOffline(up, ['overlays/generic/pipelines'])).get('overlays/generic/pipelines')?.error,
    ).toBeUndefined();
  });

  it('bad input names the flag to fix', async () => {
    const state = join(env.root, 'bad-state');
    expect((await cli(['upgrade', '--fork', '/tmp/x', '--yes'], state)).stderr).toMatch(/pass --to <release>/);
    const r = await cli(['upgrade', '--fork', '/tmp/x', '--to', '1.0', '--yes'], state);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--to <release>' argument '1\.0' is invalid/);
    expect((await cli(['upgrade', '--fork', '/tmp/x', '--continue', '--abort'], state)).stderr).toContain(
      '--continue and --abort are alternatives',
    );
    expect((await cli(['upgrade', '--to', '26.03', '--yes'], state)).stderr).toMatch(
      /--fork <git-url-or-path> or --github-fork <owner>/,
    );
    const fork = await env.newFork('empty');
    const empty = await cli(
      ['upgrade', '--fork', fork, '--mirror', env.mirror, '--to', '26.03', '--yes', '--no-apply'],
      state,
    );
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('branch "kubeflow-gitops" does not exist');
    // The install's --config file works for upgrade too: the fork and branch come from it (its release does not).
    const config = join(env.root, 'install.yaml');
    writeFileSync(config, `release: v1.11.0\nfork: ${fork}\nbranch: from-config\nmirror:\n  - ${env.mirror}\n`);
    const configured = await cli(['upgrade', '--config', config, '--to', '26.03', '--yes', '--no-apply'], state);
    expect(configured.code).toBe(2);
    expect(configured.stderr).toContain('branch "from-config" does not exist');
    writeFileSync(config, 'timeout: soon\n');
    const bad = await cli(['upgrade', '--config', config, '--fork', fork, '--to', '26.03', '--yes'], state);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/install\.yaml:1:\d+.*timeout/);
  });

  it('a conflicting edit stops with the file named (exit 6), nothing pushed; --abort drops it; --continue after resolving pushes', async () => {
    const fork = await env.newFork('conflict');
    await runFork(
      env.options({ fork, release: 'v1.11.0', target: 'kind', components: 'dex,kubeflow-issuer' }),
      env.deps(),
    );
    const team = await clone(fork);
    // Upstream moves Dex from v2.44.0 to v2.45.0 in 26.03; the team had pinned a patch release on that line.
    edit(join(team, 'common/dex/base/deployment.yaml'), 'ghcr.io/dexidp/dex:v2.44.0', 'ghcr.io/dexidp/dex:v2.44.1');
    await pushAll(team, 'pin dex');
    const before = await tip(fork);
    const state = join(env.root, 'conflict-state');
    const flags = ['--fork', fork, '--mirror', env.mirror, '--yes', '--no-apply'];

    const plan = await cli(['plan', ...flags.slice(0, -1), '--to', '26.03'], state);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('! common/dex/base/deployment.yaml');
    expect(plan.stdout).toContain('kubeflow-issuer: part of cert-manager in 26.03');
    const json = JSON.parse(
      (await cli(['plan', ...flags.slice(0, -1), '--to', '26.03', '--output', 'json'], state)).stdout,
    ) as { from: string; conflicts: string[]; plan: { components: { name: string; change: string }[] } };
    expect(json.from).toBe('v1.11.0');
    expect(json.conflicts).toEqual(['common/dex/base/deployment.yaml']);
    expect(json.plan.components).toContainEqual({ name: 'kubeflow-issuer', change: 'merged', into: 'cert-manager' });

    const stopped = await cli(['upgrade', ...flags, '--to', '26.03'], state);
    expect(stopped.code).toBe(6);
    expect(stopped.stderr).toMatch(
      /stopped: your changes conflict with upstream's in 1 file:\n {4}common\/dex\/base\/deployment\.yaml\n/,
    );
    expect(stopped.stderr).toContain('Nothing was pushed.');
    expect(stopped.stderr).toMatch(/upgrade --fork \S+ --mirror \S+ --yes --no-apply --continue/);
    expect(stopped.stderr).toMatch(/upgrade --fork \S+ --mirror \S+ --yes --no-apply --abort/);
    expect(await tip(fork)).toBe(before);
    const workDir = /cd (\S+)/.exec(stopped.stderr)?.[1] ?? '';
    expect(readFileSync(join(workDir, 'common/dex/base/deployment.yaml'), 'utf8')).toMatch(
      /<<<<<<< HEAD\n.*dex:v2\.44\.1\n/,
    );
    expect(readFileSync(join(workDir, '.git', 'config'), 'utf8')).not.toContain(TOKEN);

    // Starting again while one waits: told where it is.
    expect((await cli(['upgrade', ...flags, '--to', '26.03'], state)).stderr).toMatch(
      /stopped on conflicts and is waiting in .*upgrade --continue.*upgrade --abort/,
    );
    const aborted = await cli(['upgrade', ...flags, '--abort'], state);
    expect(aborted.code).toBe(0);
    expect(aborted.stderr).toContain('dropped the stopped upgrade');
    expect(existsSync(workDir)).toBe(false);
    expect(await tip(fork)).toBe(before);
    expect((await cli(['upgrade', ...flags, '--abort'], state)).stderr).toContain('no stopped upgrade to abort');

    // Again, and this time resolve.
    expect((await cli(['upgrade', ...flags, '--to', '26.03'], state)).code).toBe(6);
    const unresolved = await cli(['upgrade', ...flags, '--continue'], state);
    expect(unresolved.code).toBe(6);
    expect(unresolved.stderr).toMatch(/unresolved conflicts in .*\n {2}common\/dex\/base\/deployment\.yaml\n/);
    const theirs = await env.git(['show', ':3:common/dex/base/deployment.yaml'], workDir);
    writeFileSync(
      join(workDir, 'common/dex/base/deployment.yaml'),
      theirs.replace('ghcr.io/dexidp/dex:v2.45.0', 'ghcr.io/dexidp/dex:v2.45.1'),
    );
    await env.git(['add', 'common/dex/base/deployment.yaml'], workDir);
    const done = await cli(['upgrade', ...flags, '--continue'], state);
    expect(done.stderr).not.toContain('internal error');
    expect(done.code).toBe(0);
    expect(done.stderr).toContain('kubeflow-issuer: part of cert-manager in 26.03');
    const [url, branch, sha] = done.stdout.trim().split(' ');
    expect([url, branch, sha]).toEqual([fork, 'kubeflow-gitops', await tip(fork)]);
    expect(existsSync(workDir)).toBe(false);
    const up = await clone(fork);
    expect(readFileSync(join(up, 'common/dex/base/deployment.yaml'), 'utf8')).toContain('ghcr.io/dexidp/dex:v2.45.1');
    expect((await env.git(['rev-list', '--parents', '-n1', 'HEAD'], up)).trim().split(' ')).toHaveLength(3);
    expect(parse(readFileSync(join(up, 'kubeflow-apps/cert-manager.yaml'), 'utf8'))).toMatchObject({
      spec: { source: { path: 'overlays/kind/cert-manager' } },
    });
    expect(
      (await renderOffline(up, ['overlays/kind/dex', 'overlays/kind/cert-manager'])).get('overlays/kind/dex')?.yaml,
    ).toContain('ghcr.io/dexidp/dex:v2.45.1');
  });
});
