// What a subdomain may be: one DNS label we are happy to hand out. Pure; table-tested.
export const SLUG_MIN_LENGTH = 3;
export const SLUG_MAX_LENGTH = 40;

// Names people would mistake for berth itself or for common infrastructure.
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'www', 'api', 'admin', 'app', 'auth', 'mail', 'traefik', 'berth', 'static', 'assets', 'status',
  'login', 'logout', 'signup', 'sso', 'account', 'accounts', 'dashboard', 'console', 'control',
  'docs', 'help', 'support', 'billing', 'blog', 'cdn', 'dns', 'ns1', 'ns2', 'mx', 'smtp', 'imap',
  'pop', 'ftp', 'webmail', 'autoconfig', 'autodiscover', 'wpad', 'localhost', 'internal',
  'metrics', 'grafana', 'prometheus', 'registry', 'git', 'root', 'system', 'secure', 'security',
]);

/** A problem with `slug` as a subdomain of `domain`, or null if it is acceptable. */
export function checkSlug(slug: string, domain: string): string | null {
  if (slug.length < SLUG_MIN_LENGTH || slug.length > SLUG_MAX_LENGTH) {
    return `A subdomain has ${SLUG_MIN_LENGTH} to ${SLUG_MAX_LENGTH} characters.`;
  }
  if (!/^[a-z0-9-]+$/.test(slug)) return 'Use only lowercase letters a–z, digits and hyphens.';
  if (slug.startsWith('-') || slug.endsWith('-')) return 'A subdomain cannot start or end with a hyphen.';
  // xn-- and friends are IDNA encodings: they would display as other, look-alike names.
  if (slug[2] === '-' && slug[3] === '-') return 'A subdomain cannot have hyphens in the third and fourth positions.';
  const ownLabel = domain.split('.')[0];
  if (RESERVED_SLUGS.has(slug) || slug === ownLabel) return `"${slug}" is reserved; choose another subdomain.`;
  return null;
}
