import type { OutputStream } from '../context.js';

/** A stream that may ask us to wait (Node's Writable); a test's capture never does. */
type MaybeWritable = OutputStream & {
  once?(event: 'drain' | 'error' | 'close', listener: (arg?: unknown) => void): unknown;
  off?(event: 'drain' | 'error' | 'close', listener: (arg?: unknown) => void): unknown;
};

/**
 * Collects small strings into chunks of ~64 KiB and writes them, waiting for 'drain' when the
 * stream says its buffer is full: memory stays bounded however slow the reader (a pipe to gzip,
 * a network disk) is.
 */
export class ChunkedSink {
  private parts: string[] = [];
  private size = 0;

  constructor(
    private readonly stream: MaybeWritable,
    private readonly chunkSize = 64 * 1024,
  ) {}

  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.chunkSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (this.stream.write(chunk) === false && typeof this.stream.once === 'function') await this.drained();
  }

  private drained(): Promise<void> {
    const stream = this.stream;
    return new Promise((resolve, reject) => {
      const done = (error?: unknown) => {
        stream.off?.('drain', onDrain);
        stream.off?.('error', onError);
        stream.off?.('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onDrain = () => done();
      const onError = (error?: unknown) => done(error ?? new Error('output stream failed'));
      const onClose = () => done(new Error('output closed before the export was written'));
      stream.once!('drain', onDrain);
      stream.once!('error', onError);
      stream.once!('close', onClose);
    });
  }
}
