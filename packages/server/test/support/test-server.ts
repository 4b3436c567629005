/**
 * Starts a real Hookline (real SQLite file in a temp dir, real HTTP on 127.0.0.1 port 0) for a test,
 * with loopback allowed as a target and a short retry schedule unless the test says otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { type RunningServer, type StartOptions, startServer } from '../../src/server.ts';

/** A JSON response. */
// biome-ignore lint/suspicious/noExplicitAny: tests read response fields ad hoc and assert on them
export interface ApiResponse<T = any> {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: T;
}

/** Calls the API with a bearer token. */
export interface ApiClient {
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields ad hoc and assert on them
  call<T = any>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    options?: { body?: unknown; rawBody?: string; token?: string | null; headers?: Record<string, string> },
  ): Promise<ApiResponse<T>>;
}

/** A running test server with an API client and a ready account. */
export interface TestServer {
  readonly server: RunningServer;
  readonly url: string;
  readonly dataDir: string;
  readonly adminToken: string;
  readonly api: ApiClient;
  /** Creates an account; returns its id and API key. */
  createAccount(name?: string): Promise<{ id: string; apiKey: string }>;
  /**
   * Registers event types of the test's own (`shop.order.paid`), whose data may be anything: an
   * endpoint may name only types the catalogue knows. A type registered before is left as it is.
   */
  registerEventTypes(...names: string[]): Promise<void>;
  close(): Promise<void>;
}

/** Makes an API client for a base URL, using `defaultToken` unless a call passes its own. */
export function apiClient(baseUrl: string, defaultToken: string): ApiClient {
  return {
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? defaultToken : options.token;
      if (token !== null) headers['authorization'] = `Bearer ${token}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) body = JSON.stringify(options.body);
      if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json';
      }
      const response = await request(baseUrl + path, { method, headers, body: body ?? null });
      const text = await response.body.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // keep the text (e.g. /metrics)
      }
      return { status: response.statusCode, headers: response.headers, body: parsed as never };
    },
  };
}

/**
 * Starts a server. `env` overrides the test defaults (any HOOKLINE_* variable); `options` the quiet
 * logger and the clock.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookline-test-'));
  const config = loadConfig({
    PORT: '0',
    HOOKLINE_HOST: '127.0.0.1',
    HOOKLINE_DATA_DIR: dataDir,
    HOOKLINE_ALLOW_TARGETS: '127.0.0.0/8,::1/128',
    HOOKLINE_RETRY_SCHEDULE: '100ms,200ms,300ms',
    HOOKLINE_TIMEOUT_MS: '2000',
    HOOKLINE_POLL_INTERVAL: '50ms',
    HOOKLINE_SHUTDOWN_TIMEOUT: '3s',
    ...env,
  });
  const server = await startServer(config, {
    logger: createLogger((process.env['TEST_LOG_LEVEL'] ?? 'silent') as 'silent'),
    ...options,
  });
  const api = apiClient(server.url, server.adminToken);
  return {
    server,
    url: server.url,
    dataDir,
    adminToken: server.adminToken,
    api,
    async createAccount(name = 'Test shop') {
      const response = await api.call('POST', '/v1/accounts', { body: { name } });
      if (response.status !== 201)
        throw new Error(`account creation failed: ${JSON.stringify(response.body)}`);
      return { id: response.body.id, apiKey: response.body.apiKey };
    },
    async registerEventTypes(...names) {
      await registerEventTypes(api, names);
    },
    async close() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Registers each of `names` as an event type whose data may be anything, through `api` (which must hold
 * the admin token); one registered before (409 `event_type_exists`) is fine.
 */
export async function registerEventTypes(api: ApiClient, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const response = await api.call('POST', '/v1/event-types', {
      body: { name, description: `A test's own event type, ${name}`, schema: {}, example: {} },
    });
    if (response.status !== 201 && response.body?.code !== 'event_type_exists') {
      throw new Error(`registering ${name} failed: ${JSON.stringify(response.body)}`);
    }
  }
}

/** Polls `check` until it returns a value other than `undefined`/`false`, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}

/**
 * Waits until none of these accounts' deliveries is being sent. A test that moves the server's clock
 * forward does so first: a claim still out would look as if its lease had run out, and be sent again.
 */
export async function noneSending(api: ApiClient, accountIds: readonly string[]): Promise<void> {
  await waitFor(
    async () => {
      for (const accountId of accountIds) {
        const sending = await api.call('GET', `/v1/accounts/${accountId}/deliveries?status=sending&limit=1`);
        if (sending.status !== 200 || sending.body.data.length > 0) return false;
      }
      return true;
    },
    { what: 'no delivery being sent' },
  );
}

/** The value of one sample in a `/metrics` text, e.g. `hookline_queue_depth{state="pending"}`; absent: undefined. */
export function metricSample(metrics: string, name: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}
