/**
 * doctor and the install preflight look every image of the selection up in the user's registry: a
 * real registry (Debian's docker-registry on loopback), filled with skopeo with small synthetic
 * images under the mirrored names of the images `images` lists for cert-manager (Argo CD's own
 * included: doctor's cluster is unreachable and the install step is not told of an Argo CD, so the
 * install would put Argo CD in), all but one at first. With one missing,
 * doctor names it and the install's fork step refuses before the fork is created or pushed (exit
 * 3); with all of them there, both pass. The install's cluster preflight comes before this step
 * and needs a cluster: the step is called as install calls it, right after it.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveComponents } from '../../installer/catalogue/resolve-components.js';
import { ExitCode, UserError } from '../../installer/core/errors.js';
import { locateFork } from '../../installer/steps/locate-fork.js';
import { updateFork } from '../../installer/steps/update-fork.js';
import { fixturesMissing } from '../support/fixtures.js';
import { runCli, startForkEnv, TOKEN, type ForkEnv } from '../support/fork-env.js';
import { pushSyntheticImages, startRegistry, type Registry } from '../support/registry.js';
import { toolMissing } from '../support/require-tool.js';

const missingTools =
  fixturesMissing() ||
  toolMissing('skopeo', 'the registry check') !== undefined ||
  toolMissing('docker-registry', 'the air-gap test registry') !== undefined;

interface DoctorJson {
  ok: boolean;
  checks: { name: string; status: string; message: string; fix?: string }[];
}

describe.skipIf(missingTools)('doctor and the install preflight check the registry', () => {
  let env: ForkEnv;
  let registry: Registry;
  let vars: Record<string, string>;
  let kubeconfig: string;
  let images: string[];
  const prefix = () => `${registry.host}/kf`;
  const selection = ['--release', '26.03', '--components', 'cert-manager', '--target', 'local'];

  beforeAll(async () => {
    env = await startForkEnv();
    registry = await startRegistry(env.root);
    const auth = join(env.root, 'auth.json');
    writeFileSync(auth, '{"auths":{}}\n');
    // skopeo speaks plain HTTP to the loopback registry: a registries.conf in a HOME of the test's own.
    const home = join(env.root, 'home');
    mkdirSync(join(home, '.config', 'containers'), { recursive: true });
    writeFileSync(
      join(home, '.config', 'containers', 'registries.conf'),
      `[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n`,
    );
    vars = { HOME: home, REGISTRY_AUTH_FILE: auth, KFG_GIT_TOKEN: TOKEN, KFG_STATE_DIR: env.root };
    // A kubeconfig whose API server does not answer: doctor's cluster checks fail on their own.
    kubeconfig = join(env.root, 'dead-kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: dead, cluster: {server: "https://127.0.0.1:9", insecure-skip-tls-verify: true}}]',
        'users: [{name: someone, user: {token: not-a-real-token}}]',
        'contexts: [{name: dead, context: {cluster: dead, user: someone}}]',
        'current-context: dead',
        '',
      ].join('\n'),
    );
    const listed = await runCli(['images', ...selection, '--mirror', env.mirror, '--output', 'json'], vars);
    expect(listed.code, listed.stderr).toBe(0);
    images = (JSON.parse(listed.stdout) as { images: { image: string }[] }).images.map((i) => i.image).sort();
    expect(images.length).toBeGreaterThan(2);
    // Every image but the last one, under its mirrored name and upstream tag.
    await pushSyntheticImages(prefix(), images.slice(0, -1), { ...process.env, ...vars });
  }, 300_000);
  afterAll(async () => {
    await registry.close();
    await env.close();
  });

  const doctor = async (registryAt = prefix(), extra: Record<string, string> = {}) => {
    const r = await runCli(
      [
        'doctor',
        ...selection,
        '--mirror',
        env.mirror,
        '--registry',
        registryAt,
        '--kubeconfig',
        kubeconfig,
        '--output',
        'json',
      ],
      { ...vars, ...extra },
    );
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    return { code: r.code, report: JSON.parse(r.stdout) as DoctorJson };
  };

  const install = async (name: string) => {
    const fork = join(env.root, 'forks', `${name}.git`);
    const deps = env.deps(vars);
    const opts = env.options({
      fork,
      release: '26.03',
      target: 'local',
      components: 'cert-manager',
      registry: prefix(),
    });
    const components = resolveComponents(opts.components, opts.release);
    const run = updateFork(opts, deps, await locateFork(opts, deps), components);
    return { fork, deps, run };
  };

  it('with one image missing, doctor names it and install stops before the fork is created', async () => {
    const last = `${prefix()}/${images.at(-1) ?? ''}`;
    const { code, report } = await doctor();
    expect(code).toBe(3);
    const check = report.checks.find((c) => c.name === 'registry images');
    expect(check).toMatchObject({ status: 'fail' });
    expect(check?.message).toBe(`${images.length - 1} of ${images.length} images are in ${prefix()}; missing: ${last}`);
    expect(check?.fix).toContain(`kubeflow-gitops images --copy-to ${prefix()}`);

    const { fork, deps, run } = await install('one-missing');
    const err = await run.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(ExitCode.preflight);
    expect((err as UserError).message).toContain(last);
    expect((err as UserError).message).toContain(`images --copy-to ${prefix()}`);
    expect((err as UserError).message).toContain('nothing was changed');
    expect(existsSync(fork)).toBe(false);
    expect(deps.changes.changed).toBe(false);
  });

  it('with every image there, doctor says so and install goes on to push', async () => {
    await pushSyntheticImages(prefix(), images.slice(-1), { ...process.env, ...vars });
    const { report } = await doctor();
    expect(report.checks.find((c) => c.name === 'registry images')).toEqual({
      name: 'registry images',
      status: 'ok',
      message: `${images.length} of ${images.length} images are in ${prefix()}`,
    });

    const { fork, run } = await install('all-there');
    const r = await run;
    try {
      expect(r.published.revision).toMatch(/^[0-9a-f]{40}$/);
      expect(existsSync(fork)).toBe(true);
    } finally {
      await r.fork.cleanup();
    }
  });

  it('says how to install skopeo, and names a registry that does not answer, without a stack trace', async () => {
    const noSkopeo = await doctor(prefix(), { PATH: '/nonexistent' });
    expect(noSkopeo.code).toBe(3);
    expect(noSkopeo.report.checks.find((c) => c.name === 'registry images')?.message).toContain(
      'apt-get install skopeo',
    );

    const away = await doctor('127.0.0.1:9/kf');
    expect(away.code).toBe(3);
    const check = away.report.checks.find((c) => c.name === 'registry images');
    expect(check?.message).toMatch(/^cannot look images up in 127\.0\.0\.1:9\/kf: skopeo could not read /);
    expect(check?.fix).toContain('skopeo login 127.0.0.1:9');
  });
});
