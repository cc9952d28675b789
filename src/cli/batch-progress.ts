import { Presets, SingleBar } from 'cli-progress';

export interface BatchProgress {
  update(done: number, payload?: Record<string, string | number>): void;
  stop(): void;
}

const silent: BatchProgress = { update: () => {}, stop: () => {} };

/** A bar on stderr when it is a terminal; nothing when the output goes to a file or a pipe. */
export function batchProgress(label: string, total: number, extra = ''): BatchProgress {
  if (!process.stderr.isTTY || total === 0) return silent;
  const bar = new SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {value}/{total}${extra} | {eta_formatted} left`,
      hideCursor: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { failed: 0 });
  return { update: (done, payload) => bar.update(done, payload), stop: () => bar.stop() };
}
