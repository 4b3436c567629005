/**
 * The demo talks to Hookline the way a platform and a merchant do: over its HTTP API, with the admin
 * token or the account's API key. One undici pool of its own, closed when the demo stops, so no
 * keep-alive socket holds the process open after Ctrl-C.
 */
import { Agent, request } from 'undici';

/** An API answer other than 2xx, with the problem details' `code` and `field` when there are any. */
export class DemoApiError extends Error {
  override readonly name = 'DemoApiError';
  readonly status: number;
  readonly code: string | undefined;
  readonly field: string | undefined;

  constructor(input: { method: string; path: string; status: number; body: unknown }) {
    const problem =
      typeof input.body === 'object' && input.body !== null ? (input.body as Record<string, unknown>) : {};
    const code = typeof problem['code'] === 'string' ? problem['code'] : undefined;
    const field = typeof problem['field'] === 'string' ? problem['field'] : undefined;
    const detail = typeof problem['detail'] === 'string' ? problem['detail'] : JSON.stringify(input.body);
    super(
      `${input.method} ${input.path} answered ${input.status}${code ? ` ${code}` : ''}` +
        `${field ? ` (${field})` : ''}: ${detail}`,
    );
    this.status = input.status;
    this.code = code;
    this.field = field;
  }
}

/** A small JSON client for the Hookline API. */
export class DemoApiClient {
  private readonly baseUrl: string;
  private readonly agent = new Agent({ connections: 8 });

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  /**
   * Sends one request with a bearer token and a JSON body, and returns the parsed JSON answer.
   * @throws DemoApiError when the answer is not 2xx.
   */
  async call<T>(method: 'GET' | 'POST' | 'PATCH', path: string, token: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await request(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      dispatcher: this.agent,
    });
    const text = await response.body.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: kept as text for the error message.
    }
    if (response.statusCode < 200 || response.statusCode > 299) {
      throw new DemoApiError({ method, path, status: response.statusCode, body: parsed });
    }
    return parsed as T;
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.agent.close();
  }
}
