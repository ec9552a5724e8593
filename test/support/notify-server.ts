import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the program sent to its notification URL. */
export interface ReceivedNotification {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A stand-in for an ntfy server or a webhook receiver on 127.0.0.1: records every request and
 * answers `status` (set it to 500 to play a receiver that is down).
 */
export class NotifyServer {
  readonly received: ReceivedNotification[] = [];
  status = 200;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<NotifyServer> {
    let self: NotifyServer | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        self!.received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(self!.status, { 'content-type': 'application/json' });
        res.end(self!.status < 300 ? '{"id":"ok"}' : '{"error":"down"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new NotifyServer(server, (server.address() as AddressInfo).port);
    return self;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
