/**
 * The registry question: pull every image from the user's own registry (`--registry`, config key
 * `registry`, KFG_REGISTRY) or from the upstream registries. Asked after the fork, since the images
 * are rewritten in the fork's overlays; a registry already given is shown instead of asked.
 */
import type { MergedSettings } from '../../inputs/merge-settings.js';
import { REGISTRY, type Settings } from '../../inputs/settings.js';
import type { Prompter } from '../../systems/prompter.js';
import { givenNote } from './facts.js';

export async function askRegistry(given: MergedSettings, p: Prompter): Promise<Settings> {
  if (given.values.registry !== undefined) {
    p.note(givenNote(given, 'registry', 'Images from'));
    return {};
  }
  const answer = (
    await p.text('Install images from your own registry? <host>[/prefix], empty for the upstream registries', {
      validate: (v) =>
        v.trim() === '' || REGISTRY.test(v.trim())
          ? true
          : 'give <host>[:port][/prefix], e.g. registry.example.com/kf, or leave it empty',
    })
  ).trim();
  return answer === '' ? {} : { registry: answer };
}
