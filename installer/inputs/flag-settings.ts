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
    if (cmd.getOptionValueSource(s.name) !== 'cli') continue;
    const v = o[s.name];
    out[s.name] = s.name === 'components' && typeof v === 'string' ? parseComponentList(v) : v;
  }
  return out;
}
