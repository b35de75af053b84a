// Bounds how many of one kind of operation run at once. Container starts are the case: past a
// handful, more only queue inside dockerd and starve the CPU the starting apps need, so every
// tenant of a burst gets slower.
export interface Limiter {
  run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function createLimiter(max: number): Limiter {
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    active--;
    waiting.shift()?.();
  };
  return {
    async run(fn, signal) {
      if (active >= max) {
        await new Promise<void>((resolve, reject) => {
          const go = () => {
            signal?.removeEventListener('abort', abort);
            resolve();
          };
          const abort = () => {
            const i = waiting.indexOf(go);
            if (i >= 0) waiting.splice(i, 1);
            reject(signal!.reason);
          };
          waiting.push(go);
          signal?.addEventListener('abort', abort, { once: true });
        });
      }
      active++;
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}
