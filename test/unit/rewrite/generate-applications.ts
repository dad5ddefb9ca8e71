/**
 * fast-check arbitraries for Argo CD Application files in many layouts, with a model saying which
 * sources the rewriter must touch. The renderer writes YAML text by hand so that the formatting
 * (flow/block maps, quotes, comments, blank lines, CRLF, markers) is under the generator's control.
 */
import fc from 'fast-check';

export const MANAGED = ['https://github.com/kubeflow/manifests', 'https://mirror.example.com/kf/manifests.git'];
const MANAGED_SPELLINGS = [
  'https://github.com/kubeflow/manifests',
  'https://github.com/kubeflow/manifests.git',
  'git@github.com:kubeflow/manifests.git',
  'https://GitHub.com/kubeflow/manifests/',
  'https://token:s3cret@github.com/kubeflow/manifests',
  'https://mirror.example.com/kf/manifests',
];
const OTHER_REPOS = ['https://github.com/acme/apps', 'https://github.com/kubeflow/manifests-extra'];
const OCI = 'oci://ghcr.io/kubeflow/manifests';
const REVISIONS = ['v1.10.2', '26.03', 'master', '1.10', 'HEAD', "it's", 'kubeflow-gitops'];
const PATHS = ['apps/pipelines/upstream', 'common/istio', '.', '1.5'];

type Quote = 'plain' | 'single' | 'double';
type Key = 'repoURL' | 'targetRevision' | 'path' | 'ref' | 'chart';

export interface SourceModel {
  repoURL: string;
  origin: 'managed' | 'other' | 'oci';
  chart: boolean;
  targetRevision: string | undefined;
  path: string | undefined;
  ref: boolean;
  extra: 'none' | 'kustomize' | 'helm' | 'directory';
  flow: boolean;
  flowMultiLine: boolean;
  order: Key[];
  quotes: Quote[];
  comments: boolean[];
  blankBefore: boolean[];
  trailingSpaces: boolean[];
}

export interface DocModel {
  type: 'app' | 'appset' | 'configmap' | 'foreign';
  name: string;
  multi: boolean;
  sources: SourceModel[];
  flushSeq: boolean;
  anchors: boolean;
  /** Whether `destination` follows the sources; without it a source can end the file. */
  destination: boolean;
}

export interface FileModel {
  docs: DocModel[];
  crlf: boolean;
  leadingMarker: boolean;
  endMarkers: boolean;
  trailingNewline: boolean;
  indent: 2 | 4;
}

/** Whether the rewriter must rewrite this source (by the model, not by the code under test). */
export function isManaged(s: SourceModel): boolean {
  return s.origin === 'managed' && !s.chart;
}

/** The YAML path of each source of a document, in the order the model lists them. */
export function sourcePaths(d: DocModel): (string | number)[][] {
  const spec = d.type === 'appset' ? ['spec', 'template', 'spec'] : ['spec'];
  return d.multi ? d.sources.map((_, k) => [...spec, 'sources', k]) : [[...spec, 'source']];
}

/** Documents the rewriter edits at all. */
export function isArgoDoc(d: DocModel): boolean {
  return d.type === 'app' || d.type === 'appset';
}

const quoteArb = fc.constantFrom<Quote>('plain', 'single', 'double');

const sourceArb = (multi: boolean): fc.Arbitrary<SourceModel> =>
  fc
    .record({
      origin: fc.constantFrom<SourceModel['origin']>('managed', 'managed', 'managed', 'other', 'oci'),
      managedUrl: fc.constantFrom(...MANAGED_SPELLINGS),
      otherUrl: fc.constantFrom(...OTHER_REPOS),
      chart: fc.constantFrom(true, false, false, false),
      targetRevision: fc.option(fc.constantFrom(...REVISIONS), { nil: undefined }),
      path: fc.option(fc.constantFrom(...PATHS), { nil: undefined }),
      ref: multi ? fc.boolean() : fc.constant(false),
      extra: fc.constantFrom<SourceModel['extra']>('none', 'kustomize', 'helm', 'directory'),
      flow: fc.boolean(),
      flowMultiLine: fc.boolean(),
      perm: fc.array(fc.nat(), { minLength: 5, maxLength: 5 }),
      quotes: fc.array(quoteArb, { minLength: 5, maxLength: 5 }),
      comments: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      blankBefore: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      trailingSpaces: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    })
    .map((r) => {
      const keys: Key[] = ['repoURL'];
      if (r.targetRevision !== undefined) keys.push('targetRevision');
      if (r.path !== undefined) keys.push('path');
      if (r.ref) keys.push('ref');
      if (r.chart) keys.push('chart');
      // A stable permutation driven by the random numbers.
      const order = keys
        .map((k, i) => ({ k, w: r.perm[i] ?? 0 }))
        .sort((a, b) => a.w - b.w)
        .map((x) => x.k);
      return {
        repoURL: r.origin === 'managed' ? r.managedUrl : r.origin === 'oci' ? OCI : r.otherUrl,
        origin: r.origin,
        chart: r.chart,
        targetRevision: r.targetRevision,
        path: r.path,
        ref: r.ref,
        extra: r.extra,
        flow: r.flow,
        flowMultiLine: r.flowMultiLine,
        order,
        quotes: r.quotes,
        comments: r.comments,
        blankBefore: r.blankBefore,
        trailingSpaces: r.trailingSpaces,
      };
    });

const docArb: fc.Arbitrary<DocModel> = fc
  .record({
    type: fc.constantFrom<DocModel['type']>('app', 'app', 'app', 'appset', 'configmap', 'foreign'),
    name: fc.constantFrom('pipelines', 'katib', 'istio', 'dex'),
    multi: fc.boolean(),
    flushSeq: fc.boolean(),
    anchors: fc.boolean(),
    destination: fc.boolean(),
  })
  .chain((d) =>
    fc.array(sourceArb(d.multi), { minLength: 1, maxLength: d.multi ? 3 : 1 }).map((sources) => ({ ...d, sources })),
  );

export const fileArb: fc.Arbitrary<FileModel> = fc.record({
  docs: fc.array(docArb, { minLength: 1, maxLength: 3 }),
  crlf: fc.boolean(),
  leadingMarker: fc.boolean(),
  endMarkers: fc.boolean(),
  trailingNewline: fc.constantFrom(true, true, true, false),
  indent: fc.constantFrom<2 | 4>(2, 4),
});

function scalar(value: string, q: Quote | undefined): string {
  if (q === 'single') return `'${value.replace(/'/g, "''")}'`;
  if (q === 'double') return JSON.stringify(value);
  return value;
}

function valueOf(s: SourceModel, k: Key): string {
  switch (k) {
    case 'repoURL':
      return s.repoURL;
    case 'targetRevision':
      return s.targetRevision ?? '';
    case 'path':
      return s.path ?? '';
    case 'ref':
      return 'values';
    case 'chart':
      return 'kserve';
  }
}

/** `prefix` is what precedes the first key on its line (`- ` for a sequence item, else indentation). */
function renderBlockSource(s: SourceModel, pad: string, prefix: string, unit: string): string[] {
  const lines: string[] = [];
  s.order.forEach((k, i) => {
    const first = i === 0;
    if (!first && s.blankBefore[i]) lines.push(i % 2 ? '' : '  ');
    if (!first && s.comments[i + 1]) lines.push(`${pad}# about ${k}`);
    const spaces = s.trailingSpaces[i] ? '   ' : '';
    const comment = s.comments[i] ? ` # ${k} note` : '';
    lines.push(`${first ? prefix : pad}${k}: ${scalar(valueOf(s, k), s.quotes[i])}${spaces}${comment}`);
  });
  if (s.extra === 'kustomize') lines.push(`${pad}kustomize:`, `${pad}${unit}namePrefix: kf-`);
  if (s.extra === 'helm') lines.push(`${pad}helm:`, `${pad}${unit}valueFiles:`, `${pad}${unit}- values.yaml`);
  if (s.extra === 'directory') lines.push(`${pad}directory: {recurse: true}`);
  return lines;
}

function renderFlowSource(s: SourceModel, pad: string, unit: string): string {
  const entries = s.order.map((k, i) => `${k}: ${scalar(valueOf(s, k), s.quotes[i])}`);
  if (s.extra === 'kustomize') entries.push('kustomize: {namePrefix: kf-}');
  if (s.extra === 'helm') entries.push('helm: {valueFiles: [values.yaml]}');
  if (s.extra === 'directory') entries.push('directory: {recurse: true}');
  const tail = s.comments[5] ? ' # flow' : '';
  if (s.flowMultiLine) {
    const inner = entries.map((e, i) => `${pad}${unit}${e},${s.comments[i] ? ` # c${i}` : ''}`);
    return `{\n${inner.join('\n')}\n${pad}}${tail}`;
  }
  const sep = s.trailingSpaces[0] ? ' , ' : s.trailingSpaces[1] ? ',' : ', ';
  const open = s.blankBefore[0] ? '{ ' : '{';
  const close = s.blankBefore[1] ? ' }' : '}';
  return `${open}${entries.join(sep)}${close}${tail}`;
}

function renderSources(d: DocModel, level: number, unit: string): string[] {
  const pad = unit.repeat(level);
  const lines: string[] = [];
  if (!d.multi) {
    const s = d.sources[0]!;
    if (s.flow) lines.push(`${pad}source: ${renderFlowSource(s, pad, unit)}`);
    else lines.push(`${pad}source:`, ...renderBlockSource(s, pad + unit, pad + unit, unit));
    return lines;
  }
  lines.push(`${pad}sources:`);
  const seqPad = d.flushSeq ? pad : pad + unit;
  for (const s of d.sources) {
    if (s.flow) lines.push(`${seqPad}- ${renderFlowSource(s, seqPad + '  ', unit)}`);
    else lines.push(...renderBlockSource(s, `${seqPad}  `, `${seqPad}- `, unit));
  }
  return lines;
}

function renderDoc(d: DocModel, unit: string): string[] {
  const u = unit;
  const meta = [`metadata:`, `${u}name: ${d.name}`, `${u}namespace: argocd`];
  if (d.anchors) meta.push(`${u}labels: &labels {app.kubernetes.io/part-of: kubeflow}`, `${u}annotations: *labels`);
  const dest = (indent: string): string[] =>
    d.destination ? [`${indent}destination: {server: https://kubernetes.default.svc, namespace: kubeflow}`] : [];
  switch (d.type) {
    case 'app':
      return [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: Application',
        ...meta,
        'spec:',
        `${u}project: default`,
        ...renderSources(d, 1, u),
        ...dest(u),
      ];
    case 'foreign':
      return ['apiVersion: example.com/v1', 'kind: Application', ...meta, 'spec:', ...renderSources(d, 1, u)];
    case 'appset':
      return [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: ApplicationSet',
        ...meta,
        'spec:',
        `${u}generators:`,
        `${u}- list: {elements: [{cluster: in-cluster}]}`,
        `${u}template:`,
        `${u}${u}metadata: {name: '{{cluster}}-${d.name}'}`,
        `${u}${u}spec:`,
        `${u}${u}${u}project: default`,
        ...renderSources(d, 3, u),
        ...dest(u + u + u),
      ];
    case 'configmap':
      // Looks like an Application inside, and must not be touched.
      return [
        'apiVersion: v1',
        'kind: ConfigMap',
        ...meta,
        'data:',
        ...renderSources(d, 1, u),
        `${u}app.yaml: |`,
        `${u}${u}repoURL: ${MANAGED[0]!}`,
      ];
  }
}

/** The YAML text of a file model. */
export function renderFile(f: FileModel): string {
  const unit = ' '.repeat(f.indent);
  const parts = f.docs.map((d) => renderDoc(d, unit).join('\n') + '\n');
  let text = (f.leadingMarker ? '---\n' : '') + parts.join(f.endMarkers ? '...\n---\n' : '---\n');
  if (!f.trailingNewline) text = text.replace(/\n$/, '');
  return f.crlf ? text.replace(/\n/g, '\r\n') : text;
}
