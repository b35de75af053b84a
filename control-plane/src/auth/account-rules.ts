// What an acceptable email and password are: pure, shared by pages and the API so both give
// the same messages.
export const PASSWORD_MIN_LENGTH = 10;
// argon2 would hash a megabyte happily; the cap keeps a login from being a CPU lever.
export const PASSWORD_MAX_LENGTH = 256;
const EMAIL_MAX_LENGTH = 254;

export type AccountField = 'email' | 'password';
export type FieldProblems = Partial<Record<AccountField, string>>;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function checkEmail(email: string): string | null {
  if (email.length === 0) return 'Enter your email address.';
  if (email.length > EMAIL_MAX_LENGTH) return `An email address has at most ${EMAIL_MAX_LENGTH} characters.`;
  // ASCII only: the address travels to tenants in an HTTP header (X-Berth-User-Email).
  if (!/^[a-z0-9._%+'!#$&*/=?^`{|}~-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(email)) return 'Enter an email address like name@example.com.';
  return null;
}

export function checkNewPassword(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters for your password.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `A password has at most ${PASSWORD_MAX_LENGTH} characters.`;
  if (password.trim().length === 0) return 'A password cannot be only spaces.';
  return null;
}

/** Every problem with a sign-up, by field (empty when acceptable). */
export function checkSignup(email: string, password: string): FieldProblems {
  const problems: FieldProblems = {};
  const e = checkEmail(email);
  if (e) problems.email = e;
  const p = checkNewPassword(password);
  if (p) problems.password = p;
  return problems;
}
