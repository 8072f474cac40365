/**
 * Group commit for a networked store: items submitted in the same turn of the event loop are written by
 * one call (one statement, one commit, one round trip), and each caller's promise settles with its own
 * result. Under load this turns hundreds of small commits into a few; alone, an item waits one turn.
 */
export class WriteBatcher<Item, Result> {
  private pending: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;

  /**
   * @param writeAll writes a batch and answers one result per item, in order; when it fails, each item is
   *   retried alone with `writeOne`, so that one bad item (a uniqueness conflict) fails alone.
   * @param writeOne writes one item.
   * @param maxBatch the most items per call (bounded by the statement's parameter limit).
   */
  constructor(
    private readonly writeAll: (items: readonly Item[]) => Promise<Result[]>,
    private readonly writeOne: (item: Item) => Promise<Result>,
    private readonly maxBatch: number,
  ) {}

  /** Queues an item for the next batch; resolves once it is committed. */
  submit(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.pending;
    this.pending = [];
    for (let start = 0; start < all.length; start += this.maxBatch) {
      const batch = all.slice(start, start + this.maxBatch);
      this.write(batch).catch(() => undefined);
    }
  }

  private async write(
    batch: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[],
  ): Promise<void> {
    if (batch.length === 1) {
      const only = batch[0] as (typeof batch)[number];
      await this.writeOne(only.item).then(only.resolve, only.reject);
      return;
    }
    let results: Result[];
    try {
      results = await this.writeAll(batch.map((entry) => entry.item));
    } catch {
      // Nothing of the batch was kept (one statement): each item is tried alone and fails alone, in
      // turn, so that the jobs that are kept take their queue order as they were submitted.
      for (const entry of batch) {
        await this.writeOne(entry.item).then(entry.resolve, entry.reject);
      }
      return;
    }
    batch.forEach((entry, i) => {
      entry.resolve(results[i] as Result);
    });
  }
}
