/**
 * Runs `work` on `items` in batches of `size`, at most `concurrency` batches at a time, and gives the
 * results in the items' order. The first failure aborts the signal every batch is given, so no
 * batch starts after it and those in flight are cancelled.
 */
export async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  concurrency: number,
  work: (batch: readonly T[], signal: AbortSignal) => Promise<readonly R[]>,
): Promise<R[]> {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  const results: (readonly R[])[] = new Array(batches.length);
  const failed = new AbortController();
  let next = 0;
  const worker = async () => {
    while (next < batches.length && !failed.signal.aborted) {
      const index = next++;
      try {
        results[index] = await work(batches[index], failed.signal);
      } catch (err) {
        failed.abort(err);
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  return results.flat();
}
