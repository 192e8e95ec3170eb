/**
 * MLLP (Minimal Lower Layer Protocol) framing: `0x0B` + message + `0x1C 0x0D`.
 * The decoder is incremental: TCP delivers bytes in arbitrary chunks, so a
 * frame may arrive split across chunks, several frames may share one chunk,
 * and bytes between frames (junk) are skipped. Pure: no sockets here.
 */

export const START_BLOCK = 0x0b;
export const END_BLOCK = 0x1c;
export const CARRIAGE_RETURN = 0x0d;

/** What a chunk of bytes yielded: a whole frame's payload, or a framing error. */
export type MllpEvent = { readonly type: 'frame'; readonly payload: Buffer } | { readonly type: 'error'; readonly reason: string };

/** Frames one payload (already encoded bytes). */
export function encodeFrame(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.of(START_BLOCK), payload, Buffer.of(END_BLOCK, CARRIAGE_RETURN)]);
}

/**
 * An incremental MLLP decoder. Feed it every chunk in order; it returns the
 * frames completed by that chunk and the framing errors met on the way.
 * Errors (a frame larger than the limit, a start byte inside a frame, an end
 * byte not followed by CR) drop the frame concerned; decoding resumes at the
 * next start byte.
 */
export class MllpDecoder {
  private inFrame = false;
  /** Inside an oversized frame: discard until its end. */
  private discarding = false;
  /** The previous chunk ended with 0x1C inside a frame. */
  private pendingEnd = false;
  private parts: Buffer[] = [];
  private size = 0;
  /** Bytes skipped outside frames so far. */
  junkBytes = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** True when a frame has started but not ended (a truncated frame if the stream ends now). */
  get midFrame(): boolean {
    return this.inFrame || this.discarding;
  }

  /** Decodes one chunk. */
  push(chunk: Buffer): MllpEvent[] {
    const events: MllpEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.pendingEnd) {
        this.pendingEnd = false;
        if (chunk[i] === CARRIAGE_RETURN) {
          i++;
          this.finish(events);
          continue;
        }
        this.fail(events, 'expected 0x0D after the end byte 0x1C, received another byte');
        continue;
      }
      if (!this.inFrame && !this.discarding) {
        const start = chunk.indexOf(START_BLOCK, i);
        if (start < 0) {
          this.junkBytes += chunk.length - i;
          break;
        }
        this.junkBytes += start - i;
        this.inFrame = true;
        this.parts = [];
        this.size = 0;
        i = start + 1;
        continue;
      }
      // Inside a frame: find the end byte or a stray start byte, whichever comes first.
      const end = chunk.indexOf(END_BLOCK, i);
      const restart = chunk.indexOf(START_BLOCK, i);
      const stop = end < 0 ? restart : restart < 0 ? end : Math.min(end, restart);
      const upto = stop < 0 ? chunk.length : stop;
      this.append(chunk.subarray(i, upto), events);
      if (stop < 0) break;
      if (stop === restart) {
        // A new frame starts before this one ended: this one was truncated.
        if (this.inFrame) events.push({ type: 'error', reason: 'expected the end of a frame, received the start of another frame' });
        this.inFrame = false;
        this.discarding = false;
        i = restart;
        continue;
      }
      i = end + 1;
      if (i >= chunk.length) {
        this.pendingEnd = true;
        break;
      }
      if (chunk[i] === CARRIAGE_RETURN) {
        i++;
        this.finish(events);
      } else {
        this.fail(events, 'expected 0x0D after the end byte 0x1C, received another byte');
      }
    }
    return events;
  }

  private append(bytes: Buffer, events: MllpEvent[]): void {
    if (this.discarding || bytes.length === 0) return;
    this.size += bytes.length;
    if (this.size > this.maxFrameBytes) {
      events.push({ type: 'error', reason: `expected a frame of at most ${this.maxFrameBytes} bytes, received a larger one` });
      this.parts = [];
      this.inFrame = false;
      this.discarding = true;
      return;
    }
    // Copy: the chunk's memory may be reused by the socket.
    this.parts.push(Buffer.from(bytes));
  }

  private finish(events: MllpEvent[]): void {
    if (this.inFrame) events.push({ type: 'frame', payload: Buffer.concat(this.parts, this.size) });
    this.reset();
  }

  private fail(events: MllpEvent[], reason: string): void {
    if (this.inFrame) events.push({ type: 'error', reason });
    this.reset();
  }

  private reset(): void {
    this.inFrame = false;
    this.discarding = false;
    this.parts = [];
    this.size = 0;
  }
}
