/** A queued job as the dispatcher sees it: just enough to order it, never its input. */
export interface QueueEntry {
  id: string;
  /** Dispatch order within its lane; smaller is served first. */
  queueOrder: number;
  createdAt: number;
  lowPriority: boolean;
}

interface Slot extends QueueEntry {
  live: boolean;
}

/** One priority lane: slots in dispatch order, consumed from `head`. */
class Lane {
  slots: Slot[] = [];
  head = 0;
  live = 0;

  insert(slot: Slot): void {
    const last = this.slots.at(-1);
    if (!last || last.queueOrder <= slot.queueOrder) {
      this.slots.push(slot);
      return;
    }
    let low = this.head;
    let high = this.slots.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.slots[mid] as Slot).queueOrder <= slot.queueOrder) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    this.slots.splice(low, 0, slot);
  }

  /** Live slots in order. */
  *liveSlots(): Generator<Slot> {
    for (let i = this.head; i < this.slots.length; i++) {
      const slot = this.slots[i] as Slot;
      if (slot.live) {
        yield slot;
      }
    }
  }

  /** Drops consumed slots once they are most of the array, so memory follows the live size. */
  compact(): void {
    if (this.head > 1024 && this.head * 2 > this.slots.length) {
      this.slots.splice(0, this.head);
      this.head = 0;
    }
  }
}

/**
 * One endpoint's queue: two lanes (normal, then low priority), each served in `queueOrder`. Kept in
 * memory as an index over the durable store, rebuilt from it at start-up; inputs stay in the store so a
 * deep backlog costs a few dozen bytes per job.
 *
 * Removal is lazy (an entry is marked dead and skipped when reached) so that cancelling or expiring a
 * job deep in the queue costs O(1).
 */
export class EndpointQueue {
  private readonly normal = new Lane();
  private readonly low = new Lane();
  private readonly byId = new Map<string, Slot>();

  /** Jobs waiting, both lanes. */
  get size(): number {
    return this.normal.live + this.low.live;
  }

  /** Jobs waiting that are not low priority (the ones that may cause scaling). */
  get normalSize(): number {
    return this.normal.live;
  }

  /** Adds a job in its place: at the end normally, or earlier for a re-queued job that keeps its order. */
  push(entry: QueueEntry): void {
    if (this.byId.has(entry.id)) {
      return;
    }
    const slot: Slot = { ...entry, live: true };
    const lane = this.laneOf(slot);
    lane.insert(slot);
    lane.live++;
    this.byId.set(entry.id, slot);
  }

  /** Removes a job; false if it was not queued here. */
  remove(id: string): boolean {
    const slot = this.byId.get(id);
    if (!slot) {
      return false;
    }
    slot.live = false;
    this.byId.delete(id);
    this.laneOf(slot).live--;
    return true;
  }

  /** True if the job is queued here. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Takes up to `count` jobs off the front, normal lane first. */
  shift(count: number): QueueEntry[] {
    const taken: QueueEntry[] = [];
    for (const lane of [this.normal, this.low]) {
      while (lane.head < lane.slots.length && taken.length < count) {
        const slot = lane.slots[lane.head++] as Slot;
        if (slot.live) {
          slot.live = false;
          this.byId.delete(slot.id);
          lane.live--;
          taken.push({
            id: slot.id,
            queueOrder: slot.queueOrder,
            createdAt: slot.createdAt,
            lowPriority: slot.lowPriority,
          });
        }
      }
      lane.compact();
    }
    return taken;
  }

  /** The oldest waiting job's submission instant in the normal lane (QUEUE_DELAY scaling), if any. */
  oldestNormalCreatedAt(): number | undefined {
    for (const slot of this.normal.liveSlots()) {
      return slot.createdAt;
    }
    return undefined;
  }

  /** 1-based position of a job among those waiting, counting both lanes, or undefined. */
  position(id: string): number | undefined {
    const slot = this.byId.get(id);
    if (!slot) {
      return undefined;
    }
    let ahead = slot.lowPriority ? this.normal.live : 0;
    for (const other of this.laneOf(slot).liveSlots()) {
      if (other === slot) {
        break;
      }
      ahead++;
    }
    return ahead + 1;
  }

  /** Every waiting job's id, in dispatch order. */
  ids(): string[] {
    return [...this.normal.liveSlots(), ...this.low.liveSlots()].map((slot) => slot.id);
  }

  private laneOf(slot: QueueEntry): Lane {
    return slot.lowPriority ? this.low : this.normal;
  }
}
