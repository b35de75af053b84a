// xorshift32 with a fixed seed: the same numbers on every run, for generated benchmark files and
// generated test cases.
export function seededRandom(seed: number): (n: number) => number {
  let s = seed;
  /** An integer in [0, n). */
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return Math.floor((s / 4294967296) * n);
  };
}
