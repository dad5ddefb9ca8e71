/**
 * `--config install.yaml`: the wizard's answers as a flat YAML map whose keys are the flag names
 * (`release: "26.03"`, `components: [pipelines, notebooks]`). Each value is checked against its
 * setting's schema, and every problem is reported at once as `file:line:column: key …`, found from the
 * YAML node ranges, so the line to fix is named. `--save-config` writes the same format, never secrets.
 */
import { readFile } from 'node:fs/promises';
import { Document, LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { UserError } from '../core/errors.js';
import { SECRET_KEYS, SETTINGS, SETTING_BY_KEY, type SettingSpec, type Settings } from './settings.js';

export interface ConfigFile {
  readonly path: string;
  readonly values: Settings;
  /** Where a key was set, for messages: `install.yaml:3 (key release)`. */
  readonly where: (key: string) => string | undefined;
}

export async function loadConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UserError(
      `--config ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, path: string): ConfigFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const at = (offset: number | undefined): string => {
    const p = lines.linePos(offset ?? 0);
    return `${path}:${p.line}:${p.col}`;
  };
  const problems = doc.errors.map(
    (e) => `${at(e.pos[0])}: ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
  );
  if (problems.length > 0) throw new UserError(`--config ${path} is not valid YAML:\n  ${problems.join('\n  ')}`);

  const values: Record<string, unknown> = {};
  const keyLines = new Map<string, number>();
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new UserError(
      `${at(doc.contents.range[0])}: --config ${path} must be a map of settings (key: value), e.g. "release: \\"26.03\\""`,
    );
  }
  for (const pair of isMap(doc.contents) ? doc.contents.items : []) {
    const keyNode = pair.key as Node | null;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const spec = SETTING_BY_KEY.get(key);
    if (!spec) {
      const hint =
        SECRET_KEYS[key] !== undefined
          ? `secrets never go in config files: ${SECRET_KEYS[key]}`
          : `unknown key; known keys: ${SETTINGS.map((s) => s.key).join(', ')}`;
      problems.push(`${at(keyNode?.range?.[0])}: key ${key || '(empty)'}: ${hint}`);
      continue;
    }
    keyLines.set(key, lines.linePos(keyNode?.range?.[0] ?? 0).line);
    const valueNode = pair.value as Node | null;
    const value = valueOf(spec, valueNode);
    const parsed = spec.schema.safeParse(value);
    if (parsed.success) {
      values[spec.name] = parsed.data;
      continue;
    }
    for (const issue of parsed.error.issues) {
      const node =
        isSeq(valueNode) && typeof issue.path[0] === 'number'
          ? (valueNode.items[issue.path[0]] as Node | undefined)
          : valueNode;
      const got = isSeq(valueNode) && typeof issue.path[0] === 'number' ? (value as unknown[])[issue.path[0]] : value;
      problems.push(
        `${at(node?.range?.[0] ?? keyNode?.range?.[0])}: key ${key}: ${issue.message} (got ${JSON.stringify(got)})`,
      );
    }
  }
  if (problems.length > 0)
    throw new UserError(
      `--config ${path} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n  ${problems.join('\n  ')}`,
    );
  return {
    path,
    values: values,
    where: (key) => (keyLines.has(key) ? `${path}:${keyLines.get(key) ?? 0} (key ${key})` : undefined),
  };
}

/**
 * The value a setting gets from a node. Plain scalars keep the text as written where the setting is
 * a string: `release: 26.10` is the release "26.10", not the number 26.1.
 */
function valueOf(spec: SettingSpec, node: Node | null): unknown {
  const text = (n: Node | null): unknown =>
    isScalar(n)
      ? typeof n.value === 'string' || n.value === null
        ? n.value
        : (n.source ?? JSON.stringify(n.value))
      : n?.toJSON();
  if (spec.kind === 'boolean') return isScalar(node) ? node.value : node?.toJSON();
  if (spec.kind === 'list') {
    if (isSeq(node)) return node.items.map((i) => text(i as Node));
    const one = text(node);
    return typeof one === 'string'
      ? one
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : one;
  }
  return text(node);
}

/** The settings as a config file for `--config`: keys in table order, with why the file exists. */
export function renderConfigFile(settings: Settings, command = 'install'): string {
  const body: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const v = settings[s.name];
    if (v !== undefined) body[s.key] = v;
  }
  const doc = new Document(body);
  doc.commentBefore =
    ` kubeflow-gitops ${command} settings, written by --save-config. Repeat the same install with:` +
    `\n   kubeflow-gitops ${command} --config <this file> --yes` +
    '\n Secrets are not here: export KFG_GIT_TOKEN (or GITHUB_TOKEN) and KFG_ADMIN_PASSWORD, or use' +
    '\n admin-password-file. Flags and KFG_* variables override these values.';
  return doc.toString({ lineWidth: 0 });
}
