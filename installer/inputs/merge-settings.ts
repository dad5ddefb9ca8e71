/**
 * Precedence, written down once: defaults < config file < environment (KFG_*) < flags. Defaults are
 * not applied here (resolveForkOptions and the wizard own them), so a value here was given by the
 * user, and the wizard asks exactly for what is missing. Each value remembers where it came from.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import type { ConfigFile } from './config-file.js';
import { SETTINGS, SETTING_BY_NAME, type SettingName, type Settings } from './settings.js';

export type Origin = { readonly kind: 'flag' | 'env' | 'config'; readonly label: string };

export interface MergedSettings {
  readonly values: Settings;
  readonly origins: ReadonlyMap<SettingName, Origin>;
}

/** Settings from KFG_* variables; a malformed value is an error naming the variable. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): { values: Settings; origins: Map<SettingName, Origin> } {
  const values: Record<string, unknown> = {};
  const origins = new Map<SettingName, Origin>();
  const problems: string[] = [];
  for (const s of SETTINGS) {
    const raw = s.env === undefined ? undefined : env[s.env];
    if (raw === undefined || raw === '' || s.env === undefined) continue;
    let value: unknown = raw;
    if (s.kind === 'list') value = raw.split(s.name === 'mirror' ? /\s+/ : /\s*,\s*/).filter(Boolean);
    if (s.kind === 'boolean') value = /^(1|true|yes)$/i.test(raw) ? true : /^(0|false|no)$/i.test(raw) ? false : raw;
    const parsed = s.schema.safeParse(value);
    if (!parsed.success) {
      problems.push(`${s.env}="${raw}": ${parsed.error.issues.map((i) => i.message).join('; ')} (or unset it)`);
      continue;
    }
    values[s.name] = parsed.data;
    origins.set(s.name, { kind: 'env', label: s.env });
  }
  if (problems.length > 0) throw new UserError(problems.join('\n'));
  return { values: values, origins };
}

/**
 * Merges the sources. `--fork` and `--github-fork` are one choice: the source that sets either one
 * replaces both from lower sources, so a flag overrides a config file's other kind of fork.
 */
export function mergeSettings(sources: {
  config?: ConfigFile | undefined;
  env: NodeJS.ProcessEnv;
  flags: Settings;
  /** How files named by settings are checked; the real filesystem unless a test says otherwise. */
  isReadableFile?: (path: string) => boolean;
}): MergedSettings {
  const layers: { values: Settings; origin: (name: SettingName) => Origin }[] = [];
  if (sources.config) {
    const c = sources.config;
    layers.push({
      values: c.values,
      origin: (n) => ({ kind: 'config', label: c.where(SETTING_BY_NAME.get(n)?.key ?? n) ?? c.path }),
    });
  }
  const fromEnv = settingsFromEnv(sources.env);
  layers.push({ values: fromEnv.values, origin: (n) => fromEnv.origins.get(n) ?? { kind: 'env', label: n } });
  layers.push({
    values: sources.flags,
    origin: (n) => ({ kind: 'flag', label: `--${SETTING_BY_NAME.get(n)?.key ?? n}` }),
  });

  const values: Record<string, unknown> = {};
  const origins = new Map<SettingName, Origin>();
  for (const layer of layers) {
    const given = Object.entries(layer.values).filter(([, v]) => v !== undefined) as [SettingName, unknown][];
    if (given.some(([n]) => n === 'fork' || n === 'githubFork')) {
      for (const n of ['fork', 'githubFork'] as const) {
        values[n] = undefined;
        origins.delete(n);
      }
    }
    for (const [name, value] of given) {
      values[name] = value;
      origins.set(name, layer.origin(name));
    }
  }
  const merged = { values: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)), origins };
  refuseMissingSshKey(merged, sources.isReadableFile ?? isReadableFile);
  return merged;
}

/**
 * A named SSH key that is not there would only surface as git's generic "could not read from remote
 * repository" after the run started; say which file, and which flag, variable or key named it.
 */
function refuseMissingSshKey(merged: MergedSettings, readable: (path: string) => boolean): void {
  const key = merged.values.sshKey;
  if (key === undefined || readable(key)) return;
  const origin = merged.origins.get('sshKey')?.label ?? '--ssh-key';
  throw new UserError(
    `${origin}: the SSH key ${key} does not exist or is not a readable file; pass the path of your private key (e.g. ~/.ssh/id_ed25519)`,
  );
}

function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
