/**
 * The prompts system: the only module that talks to @inquirer/prompts. Commands ask through this
 * interface before any task list starts, and never when `canPrompt` is false (--yes, CI, no TTY).
 */
import { confirm, input, password, select, checkbox } from '@inquirer/prompts';

export interface Choice<T> { readonly value: T; readonly name: string; readonly description?: string; readonly checked?: boolean; readonly disabled?: boolean | string }

export interface Prompter {
  readonly canPrompt: boolean;
  secret(message: string): Promise<string>;
  text(message: string, opts?: { default?: string; validate?: (v: string) => true | string | Promise<true | string> }): Promise<string>;
  confirm(message: string, def?: boolean): Promise<boolean>;
  select<T>(message: string, choices: readonly Choice<T>[], def?: T): Promise<T>;
  checkbox<T>(message: string, choices: readonly Choice<T>[], validate?: (v: readonly T[]) => true | string): Promise<T[]>;
}

/** Whether this process may ask questions at all. */
export function mayPrompt(yes: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return !yes && !env.CI && process.stdin.isTTY && process.stderr.isTTY;
}

export function createPrompter(canPrompt: boolean): Prompter {
  // Questions go to stderr so stdout stays data.
  const ctx = { output: process.stderr };
  return {
    canPrompt,
    secret: (message) => password({ message, mask: '*', validate: (v) => v.length > 0 || 'required' }, ctx),
    text: (message, opts = {}) => input({ message, ...(opts.default !== undefined ? { default: opts.default } : {}), ...(opts.validate ? { validate: opts.validate } : {}) }, ctx),
    confirm: (message, def = true) => confirm({ message, default: def }, ctx),
    select: (message, choices, def) => select({ message, choices: [...choices], ...(def !== undefined ? { default: def } : {}) }, ctx),
    checkbox: <T>(message: string, choices: readonly Choice<T>[], validate?: (v: readonly T[]) => true | string) =>
      checkbox<T>({ message, choices: [...choices], pageSize: 20, ...(validate ? { validate: (v: readonly { value: T }[]) => validate(v.map((c) => c.value)) } : {}) }, ctx),
  };
}

/** A prompter for --yes/CI: asking anything is a bug in the caller. */
export const noPrompter: Prompter = {
  canPrompt: false,
  secret: () => Promise.reject(new Error('internal: prompted without a TTY')),
  text: () => Promise.reject(new Error('internal: prompted without a TTY')),
  confirm: () => Promise.reject(new Error('internal: prompted without a TTY')),
  select: () => Promise.reject(new Error('internal: prompted without a TTY')),
  checkbox: () => Promise.reject(new Error('internal: prompted without a TTY')),
};
