/**
 * The prompts system: the only module that talks to @inquirer/prompts. Commands ask through this
 * interface before any task list starts, and never when `canPrompt` is false (--yes, CI, no TTY).
 * How a prompt is run is injectable, so tests drive the real inquirer prompts with @inquirer/testing.
 */
import { confirm, input, password, select, Separator } from '@inquirer/prompts';
import { footerCheckbox } from './checkbox-prompt.js';

export interface Choice<T> {
  readonly value: T;
  readonly name: string;
  readonly short?: string;
  readonly description?: string | undefined;
  readonly checked?: boolean;
  readonly disabled?: boolean | string;
}
/** A group title between choices. */
export interface Heading {
  readonly heading: string;
}

export type Validate<V> = (value: V) => true | string | Promise<true | string>;

export interface Prompter {
  readonly canPrompt: boolean;
  /** Masked input; empty answers are refused. */
  secret(message: string, opts?: { validate?: Validate<string> }): Promise<string>;
  text(message: string, opts?: { default?: string; validate?: Validate<string> }): Promise<string>;
  confirm(message: string, def?: boolean): Promise<boolean>;
  select<T>(message: string, choices: readonly (Choice<T> | Heading)[], def?: T): Promise<T>;
  checkbox<T>(
    message: string,
    choices: readonly (Choice<T> | Heading)[],
    opts?: { validate?: (v: readonly T[]) => true | string; footer?: (v: readonly T[]) => string },
  ): Promise<T[]>;
  /** A line for the person at the terminal that is not a question: why a default, what was wrong. */
  note(message: string): void;
}

/** Whether this process may ask questions at all. */
export function mayPrompt(yes: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return !yes && !env.CI && process.stdin.isTTY && process.stderr.isTTY;
}

/** Runs one inquirer prompt: by default on the terminal; tests pass @inquirer/testing's `render`. */
export type PromptRunner = <V, C>(
  prompt: (config: C, context?: { output?: NodeJS.WritableStream }) => Promise<V>,
  config: C,
) => Promise<V>;

export interface PrompterOptions {
  readonly run?: PromptRunner;
  readonly output?: NodeJS.WritableStream;
}

export function createPrompter(canPrompt: boolean, options: PrompterOptions = {}): Prompter {
  // Questions go to stderr so stdout stays data.
  const output = options.output ?? process.stderr;
  const run: PromptRunner = options.run ?? ((prompt, config) => prompt(config, { output }));
  const choicesOf = <T>(choices: readonly (Choice<T> | Heading)[]) =>
    choices.map((c) => ('heading' in c ? new Separator(`── ${c.heading}`) : { ...c, description: c.description }));
  return {
    canPrompt,
    secret: (message, opts = {}) =>
      run(password, {
        message,
        mask: '*',
        validate: async (v: string) => (v.length === 0 ? 'required' : opts.validate ? opts.validate(v) : true),
      }),
    text: (message, opts = {}) =>
      run(input, {
        message,
        ...(opts.default !== undefined ? { default: opts.default } : {}),
        ...(opts.validate ? { validate: opts.validate } : {}),
      }),
    confirm: (message, def = true) => run(confirm, { message, default: def }),
    select: <T>(message: string, choices: readonly (Choice<T> | Heading)[], def?: T) =>
      run(select<T>, {
        message,
        choices: choicesOf(choices),
        pageSize: 12,
        ...(def !== undefined ? { default: def } : {}),
      }),
    checkbox: async <T>(
      message: string,
      choices: readonly (Choice<T> | Heading)[],
      opts: { validate?: (v: readonly T[]) => true | string; footer?: (v: readonly T[]) => string } = {},
    ) =>
      (await run(footerCheckbox, {
        message,
        choices,
        pageSize: 20,
        ...(opts.validate ? { validate: opts.validate as (v: readonly unknown[]) => true | string } : {}),
        ...(opts.footer ? { footer: opts.footer as (v: readonly unknown[]) => string } : {}),
      })) as T[],
    note: (message) => {
      output.write(`${message}\n`);
    },
  };
}

const refuse = () => Promise.reject(new Error('internal: prompted without a TTY'));

/** A prompter for --yes/CI: asking anything is a bug in the caller. */
export const noPrompter: Prompter = {
  canPrompt: false,
  secret: refuse,
  text: refuse,
  confirm: refuse,
  select: refuse,
  checkbox: refuse,
  note: () => undefined,
};
