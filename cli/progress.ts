import { SingleBar, Presets } from 'cli-progress';

/** A byte progress bar on stderr when it is a terminal; silent otherwise (scripts, CI, --json). */
export function byteProgress(label: string, total: number | null, enabled: boolean) {
  if (!enabled || !process.stderr.isTTY) return { add: (_n: number) => undefined, stop: () => undefined };
  const bar = new SingleBar({
    format: total ? `${label} [{bar}] {percentage}% {done}/{size}` : `${label} {done}`,
    stream: process.stderr, hideCursor: true, clearOnComplete: false,
  }, Presets.shades_classic);
  const human = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
  let done = 0;
  bar.start(total ?? 0, 0, { done: human(0), size: human(total ?? 0) });
  return {
    add(n: number) {
      done += n;
      bar.update(done, { done: human(done) });
    },
    stop: () => bar.stop(),
  };
}
