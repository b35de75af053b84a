// Options of the operator's commands, parsed the conventional way: `--name value` and
// `--name=value` alike, `-h`/`--help` anywhere, `--` ends the options. An unknown option or a
// bad value is a UsageError naming it, with the command's usage below.
import { UsageError } from './cli-errors.js';

/** string: any value; count: a whole number >= 0; flag: no value. */
export type OptionKind = 'string' | 'count' | 'flag';
export type OptionSpec = Readonly<Record<string, OptionKind>>;

type ValueOf<K extends OptionKind> = K extends 'flag' ? boolean : K extends 'count' ? number : string;

export interface ParsedOptions<S extends OptionSpec> {
  readonly values: { -readonly [N in keyof S]?: ValueOf<S[N]> };
  readonly positionals: string[];
  readonly help: boolean;
}

export function parseOptions<S extends OptionSpec>(argv: readonly string[], spec: S, usage: string): ParsedOptions<S> {
  const values: Record<string, string | number | boolean> = {};
  const positionals: string[] = [];
  let help = false;
  const fail = (message: string): never => {
    throw new UsageError(`${message}\n${usage}`);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    const name = flag.replace(/^--?/, '');
    const kind = flag.startsWith('--') && Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (kind === undefined) fail(`unknown option ${flag}`);
    if (kind === 'flag') {
      if (eq >= 0) fail(`${flag} takes no value`);
      values[name] = true;
      continue;
    }
    let value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : argv[i + 1];
    // `--image --canary 1` is a forgotten value, not an image named "--canary".
    if (eq < 0) {
      if (value === undefined || value.startsWith('--')) value = undefined;
      else i++;
    }
    if (value === undefined || value === '') fail(`${flag} needs a value`);
    if (kind === 'count') {
      const n = Number(value);
      if (!/^\d+$/.test(value!) || !Number.isSafeInteger(n)) fail(`${flag} needs a whole number, not "${value}"`);
      values[name] = n;
    } else {
      values[name] = value!;
    }
  }
  return { values: values as ParsedOptions<S>['values'], positionals, help };
}

/** Fails when more positional arguments came than the command takes. */
export function expectPositionals(positionals: readonly string[], max: number, usage: string): void {
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"\n${usage}`);
}
