/**
 * Real container registries for the air-gap tests: Debian's `docker-registry` (the CNCF distribution
 * registry) as a loopback process with its own storage, and synthetic images under upstream names.
 * Each synthetic image is a one-file layer and a config naming the image, so every name gets its own
 * digest; they are written as an OCI layout here and pushed with skopeo (`oci:` to `docker://`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { run } from './fork-env.js';

export interface Registry {
  /** host:port */
  readonly host: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** Starts `docker-registry serve` on a free loopback port with storage under `root`. */
export async function startRegistry(root: string): Promise<Registry> {
  const port = await freePort();
  const dir = mkdtempSync(join(root, 'registry-'));
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: error }',
      `storage: { filesystem: { rootdirectory: ${join(dir, 'data')} }, delete: { enabled: true } }`,
      `http: { addr: 127.0.0.1:${port} }`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const host = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr}`);
    const ok = await fetch(`http://${host}/v2/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 200) throw new Error(`docker-registry did not answer on ${host}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** A one-file tar (512-byte header, the content, padding, two zero blocks). */
function tarOf(name: string, content: string): Buffer {
  const header = Buffer.alloc(512);
  const field = (s: string, offset: number, length: number) => header.write(s, offset, length, 'ascii');
  field(name, 0, 100);
  field('0000644\0', 100, 8);
  field('0000000\0', 108, 8);
  field('0000000\0', 116, 8);
  field(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 12);
  field('00000000000\0', 136, 12);
  field('        ', 148, 8);
  field('0', 156, 1);
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  let sum = 0;
  for (const b of header) sum += b;
  field(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  const body = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  body.write(content);
  return Buffer.concat([header, body, Buffer.alloc(1024)]);
}

/**
 * Pushes a small image for each upstream reference (`ghcr.io/kubeflow/x:v1`) to `<host>/<reference>`,
 * so a registries.conf `location` of `<host>/ghcr.io` for prefix ghcr.io serves it under its own name.
 */
export async function pushSyntheticImages(
  host: string,
  references: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const layout = mkdtempSync(join(tmpdir(), 'kfg-oci-'));
  try {
    const blobs = join(layout, 'blobs', 'sha256');
    mkdirSync(blobs, { recursive: true });
    const blob = (b: Buffer | string) => {
      const d = sha256(b);
      writeFileSync(join(blobs, d.slice(7)), b);
      return { digest: d, size: Buffer.byteLength(b) };
    };
    const tar = tarOf('stand-in.txt', 'a synthetic image for kubeflow-gitops tests\n');
    const layer = blob(gzipSync(tar));
    const manifests = references.map((reference, i) => {
      const config = blob(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: { Labels: { 'stands-for': reference } },
          rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
        }),
      );
      const manifest = blob(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
        }),
      );
      return {
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        ...manifest,
        annotations: { 'org.opencontainers.image.ref.name': `image-${i}` },
      };
    });
    writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests }));
    for (const [i, reference] of references.entries())
      await run(
        'skopeo',
        ['copy', '--dest-tls-verify=false', `oci:${layout}:image-${i}`, `docker://${host}/${reference}`],
        {
          env,
        },
      );
  } finally {
    rmSync(layout, { recursive: true, force: true });
  }
}

/**
 * A containers-registries.conf that sends each upstream registry to its stand-in under `source`
 * (`<source>/ghcr.io/...`), and lets skopeo speak plain HTTP to both loopback registries.
 */
export function registriesConf(dir: string, source: string, mirror: string, upstreams: readonly string[]): string {
  const file = join(dir, 'registries.conf');
  const lines = upstreams.flatMap((u) => [
    '[[registry]]',
    `prefix = "${u}"`,
    `location = "${source}/${u}"`,
    'insecure = true',
    '',
  ]);
  lines.push(
    '[[registry]]',
    `location = "${source}"`,
    'insecure = true',
    '',
    '[[registry]]',
    `location = "${mirror}"`,
    'insecure = true',
    '',
  );
  writeFileSync(file, lines.join('\n'));
  return file;
}
