/**
 * A Prompter that runs the real inquirer prompts (rendered by @inquirer/testing) and answers them
 * from a script: each question must match the next step, and the step presses keys on it. Throws on
 * a question the script does not expect, so a test also proves which questions were asked.
 */
import { render } from '@inquirer/testing';
import { createPrompter, type Prompter, type PromptRunner } from '../../installer/systems/prompter.js';

type Key = string | { name?: string; ctrl?: boolean };

export interface PromptUi {
  screen(): string;
  type(text: string): void;
  press(...keys: Key[]): void;
  /** Waits for the prompt to redraw after an asynchronous validation. */
  settle(): Promise<void>;
}

export interface Step {
  /** The question's screen must match this when it first renders. */
  readonly ask: RegExp;
  readonly act: (ui: PromptUi) => void | Promise<void>;
}

/** Press enter: take the default. */
export const accept = (ask: RegExp): Step => ({
  ask,
  act: (ui) => {
    ui.press('enter');
  },
});
/** Type an answer (after clearing a default) and press enter. */
export const answer = (ask: RegExp, text: string): Step => ({
  ask,
  act: (ui) => {
    ui.type(text);
    ui.press('enter');
  },
});
/** Move down n times in a list, then enter. */
export const choose = (ask: RegExp, downs: number): Step => ({
  ask,
  act: (ui) => {
    for (let i = 0; i < downs; i++) ui.press('down');
    ui.press('enter');
  },
});

export interface Scripted {
  readonly prompter: Prompter;
  /** Every screen as first rendered and as answered, in order. */
  readonly screens: string[];
  readonly notes: string[];
  /** Steps not reached yet. */
  readonly remaining: () => number;
}

export function scriptedPrompter(steps: Step[]): Scripted {
  const screens: string[] = [];
  const notes: string[] = [];
  const queue = [...steps];
  const run: PromptRunner = async (prompt, config) => {
    // @inquirer/testing types prompts as returning a cancelable promise; ours are plain promises.
    const r = await render(prompt as unknown as Parameters<typeof render>[0], config as never);
    const first = r.getScreen();
    screens.push(first);
    const step = queue.shift();
    if (!step) throw new Error(`unexpected question:\n${first}`);
    if (!step.ask.test(first)) throw new Error(`expected a question matching ${String(step.ask)}, got:\n${first}`);
    await step.act({
      screen: () => r.getScreen(),
      type: (text) => {
        r.events.type(text);
      },
      press: (...keys) => {
        for (const k of keys) r.events.keypress(k);
      },
      settle: () => r.nextRender(),
    });
    const value = (await r.answer) as never;
    screens.push(r.getScreen());
    return value;
  };
  const prompter = createPrompter(true, {
    run,
    output: {
      write: (m: string) => {
        notes.push(m.replace(/\n$/, ''));
        return true;
      },
    } as unknown as NodeJS.WritableStream,
  });
  return { prompter, screens, notes, remaining: () => queue.length };
}
