/**
 * Each deployed function's module (routes, schemas, use cases) is required on its first call, or
 * right after start when it is the instance's FUNCTION_TARGET: the instance listens as soon as a
 * bare function would, and a bad configuration still stops it at start.
 */
export const START_DELAY_MS = 100;

export function lazyFunction<F extends (...args: never[]) => Promise<void>>(target: string, load: () => F): F {
  let loaded: F | undefined;
  const get = () => (loaded ??= load());
  if (process.env.FUNCTION_TARGET === target) {
    // Shortly after the framework starts listening (it does so right after loading this module).
    setTimeout(() => {
      try {
        get();
      } catch (error) {
        console.error(JSON.stringify({ severity: 'CRITICAL', message: `${target}: cannot start: ${error instanceof Error ? error.message : error}` }));
        process.exit(1);
      }
    }, START_DELAY_MS);
  }
  return ((...args: Parameters<F>) => get()(...args)) as F;
}
