/**
 * The demo's webhook receiver: one HTTP server on 127.0.0.1 port 0 standing in for every merchant's
 * systems, one path per demo endpoint. It verifies each delivery's signature with `@hookline/receiver`,
 * exactly as a merchant would, records what arrived and answers 200.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { verify, WebhookVerificationError } from '@hookline/receiver';

/** One path of the receiver: which demo endpoint it belongs to and the secret its deliveries are signed with. */
export interface ReceiverRoute {
  readonly endpoint: string;
  readonly path: string;
  readonly secret: string;
}

/** One delivery as the receiver got it. */
export interface ReceivedDelivery {
  /** The demo endpoint's short name. */
  readonly endpoint: string;
  readonly path: string;
  /** The `webhook-id` header: the event id, or `<event id>.<line id>` for one order line. */
  readonly messageId: string;
  /** The envelope's `type`. */
  readonly eventType: string;
  readonly contentType: string;
  readonly userAgent: string;
  /** The raw body, as signed. */
  readonly body: string;
  /** The envelope: parsed JSON, or for a form body the flat `name → value` pairs. */
  readonly envelope: unknown;
  /** `null` when the signature verified, else the verification error's code. */
  readonly signatureError: string | null;
  readonly receivedAt: number;
}

/** Tuning for {@link DemoReceiver.start}. */
export interface DemoReceiverOptions {
  /** Called for every delivery, after it is recorded. */
  readonly onDelivery?: (delivery: ReceivedDelivery) => void;
  /**
   * Deliveries kept per endpoint, newest last; counts cover all of them. A demo left running for hours
   * would otherwise keep every body in memory.
   */
  readonly keepPerEndpoint?: number;
}

// Anything larger is not one of the demo's deliveries (the biggest order is about 3 KB as JSON).
const MAX_BODY_BYTES = 1024 * 1024;

/** A running receiver; add a route per endpoint before its deliveries can arrive. */
export class DemoReceiver {
  /** Base URL, `http://127.0.0.1:<port>`. */
  readonly url: string;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly routes = new Map<string, ReceiverRoute>();
  private readonly kept = new Map<string, ReceivedDelivery[]>();
  private readonly counts = new Map<string, number>();
  private readonly options: DemoReceiverOptions;
  private unsigned = 0;

  private constructor(server: Server, url: string, options: DemoReceiverOptions) {
    this.server = server;
    this.url = url;
    this.options = options;
  }

  /** Starts a receiver on 127.0.0.1, on a port the system picks. */
  static async start(options: DemoReceiverOptions = {}): Promise<DemoReceiver> {
    let receiver: DemoReceiver | undefined;
    const server = createServer((req, res) => receiver?.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    receiver = new DemoReceiver(server, `http://127.0.0.1:${port}`, options);
    server.on('connection', (socket) => receiver?.track(socket));
    return receiver;
  }

  /** Routes a path to a demo endpoint, whose deliveries are signed with `route.secret`. */
  addRoute(route: ReceiverRoute): void {
    this.routes.set(route.path, route);
  }

  /** The deliveries kept per endpoint name, in arrival order. */
  get deliveries(): ReadonlyMap<string, readonly ReceivedDelivery[]> {
    return this.kept;
  }

  /** How many deliveries each endpoint received in all. */
  get receivedCounts(): ReadonlyMap<string, number> {
    return this.counts;
  }

  /** Deliveries received in all, over every endpoint. */
  get receivedTotal(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  /** Deliveries whose signature did not verify. */
  get signatureFailures(): number {
    return this.unsigned;
  }

  /** Stops listening and ends every open connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const route = this.routes.get(path);
    if (req.method !== 'POST' || route === undefined) {
      res.writeHead(404).end();
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (bytes > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        return;
      }
      this.record(route, req, Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  }

  private record(route: ReceiverRoute, req: IncomingMessage, body: string): void {
    let signatureError: string | null = null;
    let envelope: unknown;
    try {
      envelope = verify(route.secret, req.headers, body).payload;
    } catch (error) {
      signatureError = error instanceof WebhookVerificationError ? error.code : 'verification_failed';
      envelope = parseBody(body);
    }
    const contentType = String(req.headers['content-type'] ?? '');
    // `verify` parses JSON only; a form body comes back as text and is read as name/value pairs.
    if (typeof envelope === 'string') envelope = Object.fromEntries(new URLSearchParams(envelope));
    const delivery: ReceivedDelivery = {
      endpoint: route.endpoint,
      path: route.path,
      messageId: String(req.headers['webhook-id'] ?? ''),
      eventType: typeOf(envelope),
      contentType,
      userAgent: String(req.headers['user-agent'] ?? ''),
      body,
      envelope,
      signatureError,
      receivedAt: Date.now(),
    };
    if (signatureError !== null) this.unsigned++;
    this.counts.set(route.endpoint, (this.counts.get(route.endpoint) ?? 0) + 1);
    let list = this.kept.get(route.endpoint);
    if (list === undefined) {
      list = [];
      this.kept.set(route.endpoint, list);
    }
    list.push(delivery);
    const keep = this.options.keepPerEndpoint ?? Number.POSITIVE_INFINITY;
    if (list.length > keep) list.splice(0, list.length - keep);
    this.options.onDelivery?.(delivery);
  }
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

function typeOf(envelope: unknown): string {
  if (typeof envelope !== 'object' || envelope === null) return '?';
  const type = (envelope as Record<string, unknown>)['type'];
  return typeof type === 'string' ? type : '?';
}
