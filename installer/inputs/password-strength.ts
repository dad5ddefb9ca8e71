/**
 * Whether a Dex admin password is good enough, for the wizard's question and for a password from a
 * file or KFG_ADMIN_PASSWORD alike. The admin login guards every notebook and pipeline, and the
 * gateway is often exposed; upstream's default (12341234) is the classic mistake. Pure.
 */
export const MIN_PASSWORD_LENGTH = 12;
/** bcrypt ignores everything after 72 bytes. */
const BCRYPT_MAX_BYTES = 72;
const LONG_ENOUGH_FOR_ANY_CHARACTERS = 20;

/** What is wrong with the password ("is too short: …"), or undefined when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `is too short: use at least ${MIN_PASSWORD_LENGTH} characters`;
  if (Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES)
    return `is longer than bcrypt's ${BCRYPT_MAX_BYTES} bytes`;
  const lower = password.toLowerCase();
  const local = email?.split('@')[0]?.toLowerCase();
  for (const guess of [
    '12341234',
    'password',
    'kubeflow',
    ...(local !== undefined && local.length >= 4 ? [local] : []),
  ]) {
    if (lower.includes(guess)) return `is too easy to guess: it contains "${guess}"`;
  }
  if (new Set(password).size < 5) return 'is too easy to guess: it repeats a few characters';
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  if (classes < 3 && password.length < LONG_ENOUGH_FOR_ANY_CHARACTERS) {
    return `is too weak: mix three of lower case, upper case, digits and symbols, or use ${LONG_ENOUGH_FOR_ANY_CHARACTERS} characters or more`;
  }
  return undefined;
}
