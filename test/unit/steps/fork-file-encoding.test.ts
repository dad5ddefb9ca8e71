import { describe, expect, it } from 'vitest';
import { decodeForkFile } from '../../../installer/steps/read-fork-files.js';
import { UserError } from '../../../installer/core/errors.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('decodeForkFile: the fork files as text, byte for byte, or a refusal', () => {
  it('UTF-8 comes back byte for byte once encoded again: a BOM, CRLF and non-ASCII kept', () => {
    const file = bytes([0xef, 0xbb, 0xbf], 'kind: Application # équipe données 数据\r\nmetadata: {name: a}\r\n');
    const text = decodeForkFile('kubeflow-apps/team.yaml', file);
    expect(Buffer.from(text ?? '', 'utf8').equals(file)).toBe(true);
  });

  it('a Latin-1 byte in a YAML file is refused with file:line:column, the byte and how to fix it', () => {
    const file = bytes('apiVersion: argoproj.io/v1alpha1\nkind: Application # caf', [0xe9], '\n');
    expect(() => decodeForkFile('kubeflow-apps/team.yaml', file)).toThrow(UserError);
    expect(() => decodeForkFile('kubeflow-apps/team.yaml', file)).toThrow(
      /^kubeflow-apps\/team\.yaml:2:24: not UTF-8 \(byte 0xE9\); Argo CD and kustomize cannot read it either.*Re-encode it as UTF-8.*iconv -f latin1 -t utf-8 kubeflow-apps\/team\.yaml/,
    );
  });

  it('finds the first bad byte after valid multi-byte characters, and refuses overlong and cut-off forms', () => {
    expect(() => decodeForkFile('a.yml', bytes('é: 1\nbé: ', [0xff]))).toThrow(/^a\.yml:2:5: not UTF-8 \(byte 0xFF\)/);
    expect(() => decodeForkFile('a.json', bytes('{"a": "', [0xc0, 0x80], '"}'))).toThrow(/^a\.json:1:8: .*0xC0/);
    expect(() => decodeForkFile('a.yaml', bytes('a: ', [0xe2, 0x82]))).toThrow(/^a\.yaml:1:4: .*0xE2/);
  });

  it('a file that is not YAML or JSON and not UTF-8 is left out, never edited', () => {
    expect(decodeForkFile('overlays/generic/x/logo.png', bytes([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]))).toBeUndefined();
  });
});
