// The sleep of a background loop: wait until woken, until a deadline, or until shutdown,
// whichever comes first. Wakes that arrive while the loop is busy are not lost: the next
// wait returns at once.
export interface Waker {
  wake(): void;
  /** Resolves after ms, on wake(), or on abort (never rejects). */
  wait(ms: number, signal: AbortSignal): Promise<void>;
}

export function createWaker(): Waker {
  let pending = false;
  let resolveWait: (() => void) | null = null;
  return {
    wake() {
      if (resolveWait) resolveWait();
      else pending = true;
    },
    wait(ms, signal) {
      if (pending || signal.aborted) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          resolveWait = null;
          resolve();
        };
        const timer = setTimeout(done, Math.max(0, ms));
        signal.addEventListener('abort', done, { once: true });
        resolveWait = done;
      });
    },
  };
}
