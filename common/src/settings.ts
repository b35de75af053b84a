// Settings declared as data — (name, kind, default, help) — and read from the environment once,
// by kind, with every problem listed at once. Each app declares its table (its README's
// settings table is checked against it by a test) and derives its frozen Config from the values.
export type SettingKind = 'string' | 'int' | 'number' | 'bool' | 'list' | 'enum' | 'path' | 'url';

export interface SettingSpec {
  readonly name: string;
  readonly kind: SettingKind;
  /** As it would be written in the environment; '' means unset. */
  readonly default: string;
  readonly help: string;
  /** int and number: the smallest value accepted (int default 0; number must be > 0 without it). */
  readonly min?: number;
  /** enum: the accepted values. */
  readonly values?: readonly string[];
}

type ValueOf<S extends SettingSpec> = S['kind'] extends 'int' | 'number'
  ? number
  : S['kind'] extends 'bool'
    ? boolean
    : S['kind'] extends 'list'
      ? readonly string[]
      : S extends { readonly kind: 'enum'; readonly values: readonly (infer V)[] }
        ? V
        : string;

/** The values of a settings table, keyed by setting name, typed by each setting's kind. */
export type SettingValues<T extends readonly SettingSpec[]> = { readonly [S in T[number] as S['name']]: ValueOf<S> };

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

/**
 * Parses one raw value by its setting's kind. Returns the value, or a problem naming the
 * setting, what was expected and what was given.
 */
export function parseSetting(spec: SettingSpec, raw: string): { value: unknown } | { problem: string } {
  const bad = (expected: string) => ({ problem: `${spec.name}: expected ${expected}, got "${raw}"` });
  switch (spec.kind) {
    case 'string':
      return { value: raw };
    case 'int': {
      const min = spec.min ?? 0;
      const n = raw.trim() === '' ? NaN : Number(raw);
      return Number.isSafeInteger(n) && n >= min ? { value: n } : bad(`an integer >= ${min}`);
    }
    case 'number': {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if (spec.min === undefined) return Number.isFinite(n) && n > 0 ? { value: n } : bad('a positive number');
      return Number.isFinite(n) && n >= spec.min ? { value: n } : bad(`a number >= ${spec.min}`);
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (TRUE.includes(v)) return { value: true };
      if (FALSE.includes(v)) return { value: false };
      return bad('true or false');
    }
    case 'list':
      return { value: Object.freeze(raw.split(',').map((s) => s.trim()).filter(Boolean)) };
    case 'enum': {
      const values = spec.values ?? [];
      return values.includes(raw) ? { value: raw } : bad(`one of ${values.join(', ')}`);
    }
    case 'path':
      return raw.includes('\0') ? bad('a file system path') : { value: raw };
    case 'url': {
      if (raw === '') return { value: raw };
      try {
        const url = new URL(raw);
        return url.protocol === 'http:' || url.protocol === 'https:' ? { value: raw } : bad('an http(s) URL');
      } catch {
        return bad('an http(s) URL');
      }
    }
    default: {
      const never: never = spec.kind;
      return { problem: `${spec.name}: unknown kind ${String(never)}` };
    }
  }
}

/**
 * Reads every declared setting from env (its default when unset), each by its kind. Problems
 * are appended to `problems` rather than thrown, so the app can add its own cross-setting checks
 * and then report everything at once; a setting with a problem reads as its default's value.
 */
export function readSettings<const T extends readonly SettingSpec[]>(specs: T, env: Readonly<Record<string, string | undefined>>, problems: string[]): SettingValues<T> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    if (spec.kind === 'enum' && !(spec.values ?? []).includes(spec.default)) throw new Error(`setting ${spec.name}: default "${spec.default}" is not one of its values`);
    const parsed = parseSetting(spec, env[spec.name] ?? spec.default);
    if ('value' in parsed) {
      out[spec.name] = parsed.value;
    } else {
      problems.push(parsed.problem);
      const fallback = parseSetting(spec, spec.default);
      if (!('value' in fallback)) throw new Error(`setting ${spec.name}: default "${spec.default}" is not a valid ${spec.kind}`);
      out[spec.name] = fallback.value;
    }
  }
  return Object.freeze(out) as SettingValues<T>;
}
