import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Upload { readonly method: string; readonly path: string; readonly headers: http.IncomingHttpHeaders; readonly body: string }
/** An attachment the bot sent (a file consent card, the saved file's card). */
export interface SentAttachment { readonly contentType: string; readonly name?: string; readonly contentUrl?: string; readonly content: Record<string, unknown> }

/** Stands in for the OneDrive upload session Teams opens on "Allow": records every PUT. */
export class UploadReceiver {
  readonly uploads: Upload[] = [];
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.uploads.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: 'drive-item-1' }));
    });
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
