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

  /** Takes the last live slot off the end (dead ones behind it go too), if any. */
  pop(): Slot | undefined {
    while (this.slots.length > this.head) {
      const slot = this.slots.pop() as Slot;
      if (slot.live) {
        return slot;
      }
    }
    return undefined;
  }

  /** The last live slot, if any. */
  last(): Slot | undefined {
    for (let i = this.slots.length - 1; i >= this.head; i--) {
      const slot = this.slots[i] as Slot;
      if (slot.live) {
        return slot;
      }
    }
    return undefined;
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
 * Queued jobs in dispatch order: two lanes (normal, then low priority), each served in `queueOrder`. The
 * store holds the queue; this is the front of it that {@link QueueWindow} keeps in memory (ids and order
 * only, inputs stay in the store).
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

  /** Takes the last job off the back (low-priority lane first): the window gives back its tail. */
  pop(): QueueEntry | undefined {
    for (const lane of [this.low, this.normal]) {
      const slot = lane.pop();
      if (slot) {
        this.byId.delete(slot.id);
        lane.live--;
        return { id: slot.id, queueOrder: slot.queueOrder, createdAt: slot.createdAt, lowPriority: slot.lowPriority };
      }
    }
    return undefined;
  }

  /** The last job in dispatch order, if any. */
  last(): QueueEntry | undefined {
    const slot = this.low.last() ?? this.normal.last();
    return (
      slot && { id: slot.id, queueOrder: slot.queueOrder, createdAt: slot.createdAt, lowPriority: slot.lowPriority }
    );
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
