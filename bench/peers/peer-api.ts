/**
 * The HTTP API of a peer process (node:http on 127.0.0.1): the few routes of Hookline's API the
 * benchmark calls, with the same paths and bodies, so the harness drives a peer with the same client,
 * fixture code and publisher as Hookline.
 *
 * - `POST /v1/accounts` → 201 `{ id }`; `PATCH /v1/accounts/{id}` → 200 (accepted, ignored)
 * - `POST /v1/accounts/{id}/endpoints` `{ url, eventTypes }` → 201 `{ id, secret }`
 * - `POST /v1/accounts/{id}/events` `{ id, type, data }` and `POST …/events/batch` `{ events: [...] }`:
 *   one job per matching endpoint, handed to the peer's queue; 202 only once the queue says the jobs
 *   are stored (the queue's durability: Redis with its AOF, PostgreSQL's commit)
 * - `GET /readyz` → 200
 *
 * Accounts and endpoints live in this process's memory (the peers have no endpoint store of their own;
 * a real application would read them from its database). The webhook body is what Hookline sends:
 * `{ id, type, timestamp, data }`, rendered once per event at publish and carried by each job.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { generateWebhookSecret, type WebhookTarget, webhookKey } from './webhook-sender.ts';

/** One delivery as a queue job: the endpoint it goes to, its `webhook-id` and its body. */
export interface DeliveryJob {
  readonly endpointId: string;
  /** `webhook-id`: the same on every attempt; unique per event and endpoint (also the BullMQ job id). */
  readonly msgId: string;
  readonly body: string;
}

/** An endpoint as the peer keeps it. */
export interface PeerEndpoint extends WebhookTarget {
  readonly id: string;
  readonly eventTypes: readonly string[];
}

/** Stores jobs durably; resolves once they are. */
export type Enqueue = (jobs: readonly DeliveryJob[]) => Promise<void>;

/** The accounts and endpoints of a peer, in memory. */
export class EndpointRegistry {
  private readonly byAccount = new Map<string, PeerEndpoint[]>();
  private readonly byId = new Map<string, PeerEndpoint>();
  private nextId = 1;

  createAccount(): string {
    const id = `acc_${this.nextId++}`;
    this.byAccount.set(id, []);
    return id;
  }

  hasAccount(accountId: string): boolean {
    return this.byAccount.has(accountId);
  }

  createEndpoint(
    accountId: string,
    url: string,
    eventTypes: readonly string[],
  ): { id: string; secret: string } {
    const list = this.byAccount.get(accountId);
    if (!list) throw new Error(`no account ${accountId}`);
    const secret = generateWebhookSecret();
    const endpoint: PeerEndpoint = { id: `ep_${this.nextId++}`, url, key: webhookKey(secret), eventTypes };
    list.push(endpoint);
    this.byId.set(endpoint.id, endpoint);
    return { id: endpoint.id, secret };
  }

  /** The account's endpoints that want `type` (`*`, the type itself, or `prefix.*`). */
  matching(accountId: string, type: string): PeerEndpoint[] {
    return (this.byAccount.get(accountId) ?? []).filter((endpoint) =>
      endpoint.eventTypes.some(
        (filter) =>
          filter === '*' ||
          filter === type ||
          (filter.endsWith('.*') && type.startsWith(filter.slice(0, -1))),
      ),
    );
  }

  endpoint(id: string): PeerEndpoint | undefined {
    return this.byId.get(id);
  }
}

/** One published event, as the bench sends it. */
interface PublishedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
}

function isEvent(value: unknown): value is PublishedEvent {
  const event = value as Partial<PublishedEvent> | null;
  return (
    typeof event === 'object' &&
    event !== null &&
    typeof event.id === 'string' &&
    event.id.length > 0 &&
    typeof event.type === 'string' &&
    typeof event.data === 'object' &&
    event.data !== null
  );
}

/** The jobs of one event: one per endpoint that wants it, each with the same body. */
export function jobsOf(registry: EndpointRegistry, accountId: string, event: PublishedEvent): DeliveryJob[] {
  const endpoints = registry.matching(accountId, event.type);
  if (endpoints.length === 0) return [];
  const body = JSON.stringify({
    id: event.id,
    type: event.type,
    timestamp: new Date().toISOString(),
    data: event.data,
  });
  return endpoints.map((endpoint) => ({
    endpointId: endpoint.id,
    msgId: `${event.id}.${endpoint.id}`,
    body,
  }));
}

/** Batches of more events are refused, as Hookline refuses them. */
const MAX_BATCH_EVENTS = 1_000;
/** Request bodies above this are refused (a batch of 1,000 events of ~600 bytes fits). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'body too large');
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const ACCOUNT_ROUTE = /^\/v1\/accounts\/([^/]+)(\/endpoints|\/events|\/events\/batch)?$/;

/** What a peer's API needs. */
export interface PeerApiOptions {
  readonly port: number;
  /** The bearer token every call but `/readyz` must carry. */
  readonly token: string;
  readonly registry: EndpointRegistry;
  readonly enqueue: Enqueue;
}

/** Starts the API on 127.0.0.1; resolves once it listens. */
export async function startPeerApi(options: PeerApiOptions): Promise<Server> {
  const { registry, enqueue } = options;
  const authorization = `Bearer ${options.token}`;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method === 'GET' && path === '/readyz') return send(res, 200, { ok: true });
    if (req.headers.authorization !== authorization) throw new HttpError(401, 'unauthorized');
    const body = await readJson(req);
    if (req.method === 'POST' && path === '/v1/accounts') {
      return send(res, 201, { id: registry.createAccount() });
    }
    // The fixture registers the bench's own event types before its endpoints name them. A peer has no
    // catalogue: an endpoint names any type, so there is nothing to keep.
    if (req.method === 'POST' && path === '/v1/event-types') {
      const name = (body as { name?: unknown } | undefined)?.name;
      if (typeof name !== 'string' || name === '') throw new HttpError(400, 'name is required');
      return send(res, 201, { name });
    }
    const match = ACCOUNT_ROUTE.exec(path);
    if (!match) throw new HttpError(404, 'not found');
    const accountId = decodeURIComponent(match[1]!);
    if (!registry.hasAccount(accountId)) throw new HttpError(404, 'no such account');
    const sub = match[2];
    if (req.method === 'PATCH' && sub === undefined) return send(res, 200, { id: accountId });
    if (req.method !== 'POST') throw new HttpError(405, 'method not allowed');
    if (sub === '/endpoints') {
      const spec = body as { url?: unknown; eventTypes?: unknown } | undefined;
      if (
        typeof spec?.url !== 'string' ||
        !Array.isArray(spec.eventTypes) ||
        !spec.eventTypes.every((t) => typeof t === 'string')
      ) {
        throw new HttpError(400, 'url and eventTypes are required');
      }
      return send(res, 201, registry.createEndpoint(accountId, spec.url, spec.eventTypes as string[]));
    }
    let events: unknown[];
    if (sub === '/events') events = [body];
    else if (sub === '/events/batch') {
      const list = (body as { events?: unknown } | undefined)?.events;
      if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH_EVENTS) {
        throw new HttpError(400, `events must hold 1 to ${MAX_BATCH_EVENTS} events`);
      }
      events = list;
    } else throw new HttpError(404, 'not found');
    if (!events.every(isEvent)) throw new HttpError(400, 'every event needs an id, a type and data');
    const jobs = (events as PublishedEvent[]).flatMap((event) => jobsOf(registry, accountId, event));
    if (jobs.length > 0) await enqueue(jobs);
    return send(res, 202, { accepted: events.length, jobs: jobs.length });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) send(res, error.status, { error: error.message });
      else {
        process.stderr.write(`peer: ${(error as Error).stack ?? String(error)}\n`);
        send(res, 503, { error: 'the queue did not take the jobs' });
      }
    });
  });
  // The bench's client keeps its connections for 60 s; the default 5 s idle timeout would churn them.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return server;
}

/** Reads a whole-number setting from the environment. */
export function intFromEnv(name: string, fallback?: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') {
    if (fallback === undefined) throw new Error(`${name} is required`);
    return fallback;
  }
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${name} must be a whole number, got "${text}"`);
  return value;
}
