/**
 * Hookline's public API as the benchmark uses it, over keep-alive HTTP/1.1 (undici `Pool`): the
 * server is a black box reached only through the routes a platform calls.
 */
import { Pool } from 'undici';
import type { BenchEvent } from './bench-event.ts';
import { BENCH_ADMIN_TOKEN } from './hookline-process.ts';

/** An endpoint as created: its id and signing secret. */
export interface CreatedEndpoint {
  readonly id: string;
  readonly secret: string;
}

/** A client of one Hookline. */
export class HooklineClient {
  private readonly pool: Pool;
  private readonly headers = {
    authorization: `Bearer ${BENCH_ADMIN_TOKEN}`,
    'content-type': 'application/json',
  };

  /** @param connections keep-alive connections at most (64: the B1 publishers). */
  constructor(baseUrl: string, connections = 64) {
    // pipelining 1: one request per connection at a time, as HTTP clients of an API do.
    this.pool = new Pool(baseUrl, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  private async call(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const response = await this.pool.request({
      method,
      path,
      headers: this.headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: text.length > 0 ? JSON.parse(text) : undefined };
  }

  private async expect(
    status: number,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: unknown,
  ): Promise<unknown> {
    const response = await this.call(method, path, body);
    if (response.status !== status) {
      throw new Error(
        `${method} ${path}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
    return response.body;
  }

  /** `POST /v1/accounts`; returns the account id. */
  async createAccount(name: string): Promise<string> {
    return ((await this.expect(201, 'POST', '/v1/accounts', { name })) as { id: string }).id;
  }

  /** `PATCH /v1/accounts/{id}`: how many URLs the account may have receiving at once. */
  async setMaxActiveUrls(accountId: string, maxActiveUrls: number): Promise<void> {
    await this.expect(200, 'PATCH', `/v1/accounts/${accountId}`, { maxActiveUrls });
  }

  /**
   * `POST /v1/event-types`: registers one of the bench's own types (`bench.delivery`), whose data may
   * be anything, since an endpoint names only types the catalogue knows. One registered before is
   * left as it is.
   */
  async registerEventType(name: string): Promise<void> {
    const response = await this.call('POST', '/v1/event-types', {
      name,
      description: `A benchmark event type, ${name}`,
      schema: {},
      example: {},
    });
    if (response.status !== 201 && response.status !== 409) {
      throw new Error(
        `POST /v1/event-types ${name}: got ${response.status} ${JSON.stringify(response.body)}`,
      );
    }
  }

  /** `POST /v1/accounts/{id}/endpoints`, with other endpoint options if given. */
  async createEndpoint(
    accountId: string,
    url: string,
    eventTypes: readonly string[],
    options: Readonly<Record<string, unknown>> = {},
  ): Promise<CreatedEndpoint> {
    const out = (await this.expect(201, 'POST', `/v1/accounts/${accountId}/endpoints`, {
      ...options,
      url,
      eventTypes,
    })) as CreatedEndpoint;
    return { id: out.id, secret: out.secret };
  }

  /** `POST …/events`; true on 202. The body is read and dropped. */
  async publish(accountId: string, event: BenchEvent): Promise<boolean> {
    const response = await this.pool.request({
      method: 'POST',
      path: `/v1/accounts/${accountId}/events`,
      headers: this.headers,
      body: JSON.stringify(event),
    });
    await response.body.dump();
    return response.statusCode === 202;
  }

  /** `POST …/events/batch`; true on 202. */
  async publishBatch(accountId: string, events: readonly BenchEvent[]): Promise<boolean> {
    const response = await this.pool.request({
      method: 'POST',
      path: `/v1/accounts/${accountId}/events/batch`,
      headers: this.headers,
      body: JSON.stringify({ events }),
    });
    // The answer lists every event and delivery id: read it, as a client must, before reusing the socket.
    await response.body.dump({ limit: Number.MAX_SAFE_INTEGER });
    return response.statusCode === 202;
  }

  /** `GET …/deliveries?status=…&limit=…`: how many deliveries (up to `limit`) are in that state. */
  async countDeliveries(accountId: string, status: string, limit = 250): Promise<number> {
    const out = (await this.expect(
      200,
      'GET',
      `/v1/accounts/${accountId}/deliveries?status=${status}&limit=${limit}`,
    )) as { data: unknown[] };
    return out.data.length;
  }

  /** `GET /metrics` as text. */
  async metrics(): Promise<string> {
    const response = await this.pool.request({ method: 'GET', path: '/metrics' });
    return response.body.text();
  }

  /** Live deliveries by state from `/metrics` (`hookline_queue_depth`); undefined when not exported. */
  async queueDepth(): Promise<{ pending: number; sending: number } | undefined> {
    return parseQueueDepth(await this.metrics());
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** Reads `hookline_queue_depth{state="pending"|"sending"}` from a Prometheus text exposition. */
export function parseQueueDepth(metricsText: string): { pending: number; sending: number } | undefined {
  const read = (state: string) => {
    const match = new RegExp(`^hookline_queue_depth\\{[^}]*state="${state}"[^}]*\\}\\s+(\\S+)`, 'm').exec(
      metricsText,
    );
    return match ? Number(match[1]) : undefined;
  };
  const pending = read('pending');
  const sending = read('sending');
  if (pending === undefined || sending === undefined) return undefined;
  return { pending, sending };
}
