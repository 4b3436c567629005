/**
 * Hookline's web dashboard as the benchmark sees it: the files its first screen loads, the API calls
 * its screens make, timed one at a time, and an open dashboard polling in the background. Every
 * request goes through undici's `request` on a keep-alive pool of its own, as a browser tab keeps its
 * connection to the server; the global `fetch` is not used (it decompresses bodies, so it could not
 * count the bytes a browser transfers, and adds its own overhead to every timing).
 */
import { gunzipSync } from 'node:zlib';
import { Pool, request } from 'undici';
import { BENCH_ADMIN_TOKEN } from './hookline-process.ts';

/**
 * The `/assets/…` files a page names in its `src` and `href` attributes, each once, in page order.
 * Absolute URLs on another origin, `data:` URLs and paths outside `/assets/` are not the dashboard's
 * files and are left out.
 */
export function assetUrlsOf(html: string): string[] {
  const found: string[] = [];
  for (const match of html.matchAll(/\b(?:src|href)\s*=\s*(["'])(\/assets\/[^"'#?\s]+)[^"']*\1/gi)) {
    const path = match[2]!;
    if (!found.includes(path)) found.push(path);
  }
  return found;
}

/** One file of the first screen, as transferred. */
export interface AssetTransfer {
  readonly path: string;
  /** Body bytes on the wire (gzipped when the server compressed it). */
  readonly transferredBytes: number;
  /** Bytes once decompressed. */
  readonly rawBytes: number;
  /** The `content-encoding` the server answered with (`identity` when none). */
  readonly encoding: string;
}

/** What the first screen loads: the page and the files it names. */
export interface FirstScreen {
  readonly pageBytes: number;
  readonly assets: readonly AssetTransfer[];
}

/** A keep-alive connection to one Hookline, for the dashboard's requests. */
export class DashboardConnection {
  private readonly pool: Pool;

  /** @param origin `http://127.0.0.1:<port>` */
  constructor(readonly origin: string) {
    // One connection: a tab's requests to its server, one at a time as the screens make them.
    this.pool = new Pool(origin, { connections: 1, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  /** A GET with the given headers; the whole body is read, as the browser reads it before it renders. */
  async get(
    path: string,
    headers: Readonly<Record<string, string>>,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
    const response = await request(`${this.origin}${path}`, {
      method: 'GET',
      headers,
      dispatcher: this.pool,
    });
    const body = Buffer.from(await response.body.arrayBuffer());
    return { status: response.statusCode, headers: response.headers, body };
  }

  /**
   * An API call as a dashboard signed in with the admin token makes it; how long it took, from sending
   * to the last byte of the answer. Throws unless the answer is 200.
   */
  async timedApiGet(path: string): Promise<{ ms: number; json: unknown }> {
    const started = performance.now();
    const response = await this.get(path, { authorization: `Bearer ${BENCH_ADMIN_TOKEN}` });
    const ms = performance.now() - started;
    const text = response.body.toString('utf8');
    if (response.status !== 200) throw new Error(`GET ${path}: expected 200, got ${response.status} ${text}`);
    return { ms, json: JSON.parse(text) };
  }

  /**
   * Loads the first screen as a browser does: `/` asking for HTML, then each `/assets/…` file the page
   * names, accepting gzip. Throws when the page names no asset or a file does not answer 200.
   */
  async loadFirstScreen(): Promise<FirstScreen> {
    const page = await this.get('/', { accept: 'text/html' });
    if (page.status !== 200) throw new Error(`GET / (text/html): expected 200, got ${page.status}`);
    const paths = assetUrlsOf(page.body.toString('utf8'));
    if (paths.length === 0) throw new Error('the dashboard page names no /assets/ file');
    const assets: AssetTransfer[] = [];
    for (const path of paths) {
      const answer = await this.get(path, { 'accept-encoding': 'gzip' });
      if (answer.status !== 200) throw new Error(`GET ${path}: expected 200, got ${answer.status}`);
      const encoding = String(answer.headers['content-encoding'] ?? 'identity');
      assets.push({
        path,
        transferredBytes: answer.body.length,
        rawBytes: encoding === 'gzip' ? gunzipSync(answer.body).length : answer.body.length,
        encoding,
      });
    }
    return { pageBytes: page.body.length, assets };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** What an open dashboard's polling did. */
export interface PollingResult {
  /** Polls made (each one reads the overview and the deliveries list). */
  readonly polls: number;
  /** Every request's time from sending to its last byte, in ms. */
  readonly latenciesMs: readonly number[];
}

/** A dashboard open in a browser tab, polling until stopped. */
export interface DashboardPoller {
  /** Ends the polling after the request in flight, if any; resolves with what it did. */
  stop(): Promise<PollingResult>;
}

/**
 * Polls as an open dashboard does: `GET /v1/stats` (what the Overview screen reads) and the account's
 * newest deliveries (`GET …/deliveries?limit=<pageSize>`, what an open Deliveries screen loads when
 * refreshed), then waits `intervalMs` from the end of the last answer, as the Overview times its next
 * reading, so a slow server is never asked twice at once. A failed request ends the polling with its
 * error, thrown by {@link DashboardPoller.stop}.
 */
export function startDashboardPoller(
  origin: string,
  accountId: string,
  options: { readonly intervalMs: number; readonly pageSize: number },
): DashboardPoller {
  const connection = new DashboardConnection(origin);
  const latenciesMs: number[] = [];
  let polls = 0;
  let stopped = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const deliveries = `/v1/accounts/${encodeURIComponent(accountId)}/deliveries?limit=${options.pageSize}`;
  const loop = (async () => {
    while (!stopped) {
      latenciesMs.push((await connection.timedApiGet('/v1/stats')).ms);
      latenciesMs.push((await connection.timedApiGet(deliveries)).ms);
      polls++;
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })().catch((error: unknown) => {
    // Kept for stop(): a rejection nobody awaits yet would end the harness.
    failure = error;
  });
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      await connection.close();
      if (failure !== undefined) throw failure;
      return { polls, latenciesMs };
    },
  };
}
