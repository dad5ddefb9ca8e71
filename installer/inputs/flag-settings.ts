/**
 * Settings given on the command line. Commander's option defaults are left out (it reports where
 * each value came from), so a default never hides a value from the config file or the environment:
 * defaults are applied after merging, by resolveForkOptions and the install command.
 */
import { parseComponentList } from '../catalogue/resolve-components.js';
import { SETTINGS, type Settings } from './settings.js';

/** The part of a commander Command this needs. */
export interface ParsedOptions {
  opts(): Record<string, unknown>;
  getOptionValueSource(key: string): string | undefined;
}

export function flagSettings(cmd: ParsedOptions): Settings {
  const o = cmd.opts();
  const out: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    // Commander stores `--no-x` as x = false: the setting `noX` is its negation.
    const negated = s.kind === 'boolean' && s.key.startsWith('no-');
    const attribute = negated ? s.key.slice(3).replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()) : s.name;
    if (cmd.getOptionValueSource(attribute) !== 'cli') continue;
    const v = o[attribute];
    out[s.name] = negated ? v === false : s.name === 'components' && typeof v === 'string' ? parseComponentList(v) : v;
  }
  return out;
}
