import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../../installer/inputs/password-strength.js';

describe('passwordProblem', () => {
  it('accepts a mixed password of 12+ characters and a long passphrase', () => {
    expect(passwordProblem('Tr0ut-Harbour', 'me@example.org')).toBeUndefined();
    expect(passwordProblem('correct horse battery staple')).toBeUndefined();
  });
  it.each([
    ['Short1!', 'is too short: use at least 12 characters'],
    ['12341234abcdEF', 'is too easy to guess: it contains "12341234"'],
    ['MyPassword-2026', 'is too easy to guess: it contains "password"'],
    ['Alice-2026-xyz!', 'is too easy to guess: it contains "alice"'],
    ['aaaaaaaaaaaaAAA1', 'is too easy to guess: it repeats a few characters'],
    ['onlylowercaseletters', undefined],
    [
      'lowercase12345',
      'is too weak: mix three of lower case, upper case, digits and symbols, or use 20 characters or more',
    ],
    ['Ü'.repeat(40), "is longer than bcrypt's 72 bytes"],
  ])('%s', (password, problem) => {
    expect(passwordProblem(password, 'alice@example.org')).toBe(problem);
  });
});
