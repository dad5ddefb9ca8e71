import { describe, expect, it } from 'vitest';
import {
  normaliseRepoURL,
  rewriteApplications,
  RewriteError,
} from '../../../installer/rewrite/rewrite-applications.js';
import { baseRules, FORK, toJS, UPSTREAM } from './helpers.js';

const app = (source: string, name = 'app'): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ${name}\nspec:\n  source:\n${source}`;

const rewrite = (src: string, overrides: Parameters<typeof baseRules>[0] = {}): string =>
  rewriteApplications(src, baseRules(overrides), 'f.yaml').text;

describe('normaliseRepoURL', () => {
  it.each([
    ['https://github.com/kubeflow/manifests', UPSTREAM],
    ['https://github.com/kubeflow/manifests.git', UPSTREAM],
    ['https://github.com/kubeflow/manifests/', UPSTREAM],
    ['https://github.com/kubeflow/manifests.git/', UPSTREAM],
    ['HTTPS://GitHub.COM/kubeflow/manifests', UPSTREAM],
    ['https://github.com:443/kubeflow/manifests', UPSTREAM],
    ['https://user:s3cret@github.com/kubeflow/manifests', UPSTREAM],
    ['https://x-access-token:a@b@github.com/kubeflow/manifests', UPSTREAM],
    ['git@github.com:kubeflow/manifests.git', UPSTREAM],
    ['github.com:kubeflow/manifests', UPSTREAM],
    ['ssh://git@github.com/kubeflow/manifests', UPSTREAM],
    ['ssh://git@github.com:22/kubeflow/manifests.git', UPSTREAM],
    ['git+ssh://git@GITHUB.com/kubeflow/manifests', UPSTREAM],
    ['  https://github.com/kubeflow/manifests  ', UPSTREAM],
    ['https://github.com/Kubeflow/Manifests', 'https://github.com/Kubeflow/Manifests'],
    ['http://github.com/kubeflow/manifests', 'http://github.com/kubeflow/manifests'],
    ['https://git.example.com:8443/a/b.git', 'https://git.example.com:8443/a/b'],
    ['oci://ghcr.io/kubeflow/manifests', 'oci://ghcr.io/kubeflow/manifests'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseRepoURL(input)).toBe(expected);
  });

  it('never lets credentials through', () => {
    expect(normaliseRepoURL('https://me:hunter2@host/x')).not.toContain('hunter2');
  });
});

describe('quoting of written values', () => {
  const notStrings = [
    '26.03',
    '1.10',
    '1',
    '-1',
    '.5',
    'true',
    'False',
    'null',
    'NULL',
    '~',
    '0x1F',
    '0o17',
    '1e3',
    '.inf',
    '.nan',
    'yes',
    'No',
    'on',
    'OFF',
    'y',
    'n',
    '0777',
    '1_000',
    '12:30',
    '2024-01-01',
  ];
  const awkward = [
    'a: b',
    'main #x',
    '#x',
    '- x',
    '*x',
    '&x',
    '!x',
    '@x',
    '`x',
    '"x',
    "'x",
    '%x',
    '{x}',
    '[x]',
    '? x',
    ' x',
    'x ',
    'x:',
    '|',
    '>',
    '',
  ];
  it.each([...notStrings, ...awkward])('plain target %j becomes a double-quoted string', (value) => {
    const out = rewrite(app(`    repoURL: ${UPSTREAM}\n    targetRevision: main  # c\n`), { targetRevision: value });
    expect(out).toContain(`targetRevision: ${JSON.stringify(value)}  # c\n`);
    expect(toJS(out)[0]).toMatchObject({ spec: { source: { targetRevision: value } } });
  });

  it.each([...notStrings, 'x,y', 'a}b', 'a]b', 'a: b'])(
    'plain target %j in a flow map becomes a double-quoted string',
    (value) => {
      const out = rewrite(app(`    {repoURL: ${UPSTREAM}, targetRevision: main}\n`), { targetRevision: value });
      expect(out).toContain(`targetRevision: ${JSON.stringify(value)}}`);
      expect(toJS(out)[0]).toMatchObject({ spec: { source: { targetRevision: value } } });
    },
  );

  it.each(['v1.10.2', 'kubeflow-gitops', 'release/26.03', 'feature/a:b', 'a#b', 'x-1.0', '-x'])(
    'plain %j stays plain',
    (value) => {
      expect(rewrite(app(`    repoURL: ${UPSTREAM}\n    targetRevision: main\n`), { targetRevision: value })).toContain(
        `targetRevision: ${value}\n`,
      );
    },
  );

  it('keeps single quotes, escaping as YAML does', () => {
    const out = rewrite(app(`    repoURL: ${UPSTREAM}\n    targetRevision: 'main'\n`), { targetRevision: "it's" });
    expect(out).toContain("targetRevision: 'it''s'\n");
  });

  it('keeps double quotes, escaping as YAML does', () => {
    const out = rewrite(app(`    repoURL: ${UPSTREAM}\n    targetRevision: "main"\n`), { targetRevision: 'a"b\\c' });
    expect(out).toContain('targetRevision: "a\\"b\\\\c"\n');
    expect(toJS(out)[0]).toMatchObject({ spec: { source: { targetRevision: 'a"b\\c' } } });
  });

  it('keeps tags and anchors on the edited value', () => {
    const out = rewrite(app(`    repoURL: !!str ${UPSTREAM}\n    targetRevision: &rev main\n`));
    expect(out).toContain(`repoURL: !!str ${FORK}\n    targetRevision: &rev kubeflow-gitops\n`);
  });
});

describe('inserting targetRevision', () => {
  it('at the end of a file without a trailing newline', () => {
    expect(rewrite(app(`    path: x\n    repoURL: ${UPSTREAM}   # up`))).toBe(
      app(`    path: x\n    repoURL: ${FORK}   # up\n    targetRevision: kubeflow-gitops`),
    );
  });

  it('with CRLF at the end of a file without a trailing newline', () => {
    const src = app(`    repoURL: ${UPSTREAM}`).replace(/\n/g, '\r\n');
    expect(rewrite(src)).toBe(`${src.replace(UPSTREAM, FORK)}\r\n    targetRevision: kubeflow-gitops`);
  });

  it('in the quote style of repoURL', () => {
    expect(rewrite(app(`    repoURL: "${UPSTREAM}"\n`))).toContain(
      `repoURL: "${FORK}"\n    targetRevision: "kubeflow-gitops"\n`,
    );
  });

  it('under a sequence item with the indentation of its keys', () => {
    const src =
      'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec:\n  sources:\n  -    repoURL: https://github.com/kubeflow/manifests\n       path: p\n';
    expect(rewrite(src)).toContain(`  -    repoURL: ${FORK}\n       targetRevision: kubeflow-gitops\n       path: p\n`);
  });

  it('refuses an explicit key', () => {
    expect(() => rewrite(app(`    ? repoURL\n    : ${UPSTREAM}\n`))).toThrow(/f\.yaml:\d+:\d+: .*explicit key/);
  });
});

describe('what is left alone', () => {
  it('non-Argo documents, other API groups and sources pointing elsewhere', () => {
    const src = [
      `apiVersion: v1\nkind: ConfigMap\ndata:\n  repoURL: ${UPSTREAM}\n`,
      `apiVersion: example.com/v1\nkind: Application\nspec:\n  source:\n    repoURL: ${UPSTREAM}\n`,
      app(`    repoURL: https://github.com/acme/other\n    targetRevision: 26.03\n`),
      app(`    repoURL: ${UPSTREAM}\n    chart: x\n`),
      app(`    repoURL: oci://github.com/kubeflow/manifests\n`),
      app(`    repoURL: [${UPSTREAM}]\n`),
      'just a string\n',
      '# only a comment\n',
    ].join('---\n');
    expect(rewrite(src)).toBe(src);
  });

  it('empty input', () => {
    expect(rewriteApplications('', baseRules())).toEqual({ text: '', changes: [] });
  });

  it('an alias whose target is not ours', () => {
    const src = `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a, labels: {u: &u https://github.com/acme/x}}\nspec:\n  source:\n    repoURL: *u\n`;
    expect(rewrite(src)).toBe(src);
  });

  it('the path when pathFor gives nothing, or the source has no path', () => {
    const calls: string[] = [];
    const pathFor = (name: string): string | undefined => {
      calls.push(name);
      return name === 'moved' ? 'new/path' : undefined;
    };
    expect(rewrite(app(`    repoURL: ${UPSTREAM}\n    path: old\n`, 'kept'), { pathFor })).toContain('path: old\n');
    expect(rewrite(app(`    repoURL: ${UPSTREAM}\n`, 'moved'), { pathFor })).not.toContain('path');
    expect(rewrite(app(`    repoURL: ${UPSTREAM}\n    path: old\n`, 'moved'), { pathFor })).toContain(
      'path: new/path\n',
    );
    expect(calls).toEqual(['kept', 'moved']);
  });
});

describe('errors', () => {
  it('YAML syntax errors name the file, line and column', () => {
    const src = app(`    repoURL: ${UPSTREAM}\n    path: [a\n`);
    expect(() => rewriteApplications(src, baseRules(), 'apps/kf.yaml')).toThrow(
      /^apps\/kf\.yaml:\d+:\d+: YAML syntax error: /,
    );
    try {
      rewriteApplications('a: 1\nb: c: d\n', baseRules(), 'x.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RewriteError);
      expect((e as Error).message).toMatch(/^x\.yaml:2:4: /);
    }
  });

  it.each([
    ['a repoURL that is an alias to ours', `    repoURL: *u\n`, /alias/],
    ['a source that is an alias to ours', null, /alias/],
    ['a merge key in a managed source', `    <<: {targetRevision: main}\n    repoURL: ${UPSTREAM}\n`, /merge key/],
    ['a merge key bringing our repoURL', `    <<: {repoURL: ${UPSTREAM}}\n    path: x\n`, /merge key/],
    [
      'an anchored value used elsewhere',
      `    repoURL: ${UPSTREAM}\n    targetRevision: &r main\n    path: *r\n`,
      /anchor &r/,
    ],
    ['a targetRevision that is not a scalar', `    repoURL: ${UPSTREAM}\n    targetRevision: [main]\n`, /not a scalar/],
    [
      'a block scalar with an indentation indicator',
      `    repoURL: ${UPSTREAM}\n    targetRevision: |2\n        main\n`,
      /indentation indicator/,
    ],
  ])('%s', (_, source, message) => {
    const src =
      source === null
        ? `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n  x: &s {repoURL: ${UPSTREAM}}\nspec:\n  sources: [*s]\n`
        : `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\n  u: &u ${UPSTREAM}\nspec:\n  source:\n${source}`;
    expect(() => rewrite(src)).toThrow(RewriteError);
    expect(() => rewrite(src)).toThrow(message);
    expect(() => rewrite(src)).toThrow(/^f\.yaml:\d+:\d+: /);
  });
});

describe('more shapes', () => {
  it('ApplicationSet with template sources', () => {
    const src = `apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: set}\nspec:\n  template:\n    spec:\n      sources:\n      - repoURL: ${UPSTREAM}\n        ref: v\n`;
    const { text, changes } = rewriteApplications(src, baseRules());
    expect(text).toContain(`      - repoURL: ${FORK}\n        targetRevision: kubeflow-gitops\n        ref: v\n`);
    expect(changes.map((c) => [c.app, c.field])).toEqual([
      ['set', 'spec.template.spec.sources[0].repoURL'],
      ['set', 'spec.template.spec.sources[0].targetRevision'],
    ]);
  });

  it('the fork URL counts as ours even when not listed', () => {
    const src = app(`    repoURL: ${FORK}\n    targetRevision: old-branch\n`);
    expect(rewrite(src, { managedRepoURLs: [] })).toContain('targetRevision: kubeflow-gitops\n');
  });

  it('reports non-string old values by their source text', () => {
    const { changes } = rewriteApplications(app(`    repoURL: ${UPSTREAM}\n    targetRevision: 1.10\n`), baseRules());
    expect(changes[1]).toEqual({
      doc: 0,
      app: 'app',
      field: 'spec.source.targetRevision',
      from: '1.10',
      to: 'kubeflow-gitops',
    });
  });
});

describe('lists, JSON and what pathFor is told', () => {
  it('pathFor gets the name, namespace and annotations, so callers need not match by name alone', () => {
    const seen: unknown[] = [];
    const src =
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: kserve\n  namespace: team-a\n` +
      `  annotations: {kubeflow-gitops.io/component: kserve, n: 3}\nspec:\n  source:\n    repoURL: ${UPSTREAM}\n    path: p\n`;
    rewriteApplications(src, {
      ...baseRules(),
      pathFor: (name, identity) => {
        seen.push([name, identity]);
        return undefined;
      },
    });
    expect(seen).toEqual([
      ['kserve', { name: 'kserve', namespace: 'team-a', annotations: { 'kubeflow-gitops.io/component': 'kserve' } }],
    ]);
  });

  it('a list item reached through an alias is refused, as a source is', () => {
    const src =
      `x: &a {apiVersion: argoproj.io/v1alpha1, kind: Application, metadata: {name: a}, spec: {source: {repoURL: ${UPSTREAM}}}}\n` +
      `kind: List\nitems: [*a]\n`;
    expect(() => rewrite(src)).toThrow(/alias/);
  });

  it('lists inside list items are not expanded (Argo CD expands one level)', () => {
    const inner = `{apiVersion: argoproj.io/v1alpha1, kind: Application, metadata: {name: a}, spec: {source: {repoURL: ${UPSTREAM}}}}`;
    const src = `kind: List\nitems:\n- kind: List\n  items: [${inner}]\n`;
    expect(rewrite(src)).toBe(src);
  });

  it('a .json file that is not JSON is refused with its name', () => {
    const src = app(`    repoURL: ${UPSTREAM}\n`);
    expect(() => rewriteApplications(src, baseRules(), 'kubeflow-apps/team.json', 'json')).toThrow(
      /^kubeflow-apps\/team\.json: not valid JSON/,
    );
  });

  it('JSON values are written as JSON strings, escapes included', () => {
    const src = `{"apiVersion":"argoproj.io/v1alpha1","kind":"Application","metadata":{"name":"a"},"spec":{"source":{"repoURL":"${UPSTREAM}","targetRevision":null}}}`;
    const out = rewriteApplications(src, baseRules({ targetRevision: 'a"b\\c\u2028' }), 'a.json', 'json').text;
    expect(JSON.parse(out)).toEqual({
      ...JSON.parse(src),
      spec: { source: { repoURL: FORK, targetRevision: 'a"b\\c\u2028' } },
    });
    expect(out.replace(/"repoURL":"[^"]*","targetRevision":"(?:[^"\\]|\\.)*"/, '')).toBe(
      src.replace(`"repoURL":"${UPSTREAM}","targetRevision":null`, ''),
    );
  });
});
