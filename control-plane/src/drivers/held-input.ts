/** Where an exec session's input goes once it may flow. */
export interface InputSink {
  /** Sends bytes to the command's stdin. */
  write(data: Buffer): void;
  /** Closes the command's stdin. */
  end(): void;
}

/**
 * An exec session's input, held while the command cannot take it yet and then sent in order. Input is
 * held at first (until the wrapper's pid line says the command runs) and again around a terminal resize,
 * so that what is typed reaches a command on a terminal of the size last asked for. A close asked for
 * while input is held waits for that input to go first.
 */
export class HeldInput {
  /** Input waiting to be sent; null while input flows. */
  private held: Buffer[] | null = [];
  private closeAsked = false;
  private closed = false;

  constructor(private readonly sink: InputSink) {}

  /** Sends `data`, or holds it behind what is already held. Input after a close is dropped. */
  write(data: Buffer): void {
    if (this.closeAsked) {
      return;
    }
    if (this.held !== null) {
      this.held.push(data);
    } else {
      this.sink.write(data);
    }
  }

  /** Closes stdin once the held input is sent. */
  close(): void {
    this.closeAsked = true;
    if (this.held === null) {
      this.endOnce();
    }
  }

  /** Holds input from now on, until {@link release}. */
  hold(): void {
    this.held ??= [];
  }

  /** Sends the input held so far, and lets the rest flow. */
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const data of held) {
      this.sink.write(data);
    }
    if (this.closeAsked) {
      this.endOnce();
    }
  }

  private endOnce(): void {
    if (!this.closed) {
      this.closed = true;
      this.sink.end();
    }
  }
}
