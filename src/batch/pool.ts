/**
 * Runs `work` over `items`, at most `concurrency` at a time, results in the items' order. Stops
 * taking new items once `stop()` says so; the items never started get `skipped(item)`.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
  options: { stop?: () => boolean; skipped?: (item: T, index: number) => R } = {},
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index] as T;
      results[index] = options.stop?.() && options.skipped ? options.skipped(item, index) : await work(item, index);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(concurrency), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
