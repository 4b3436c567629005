/**
 * The dashboard's one way to the server: API v1 with the bearer token it holds, the same calls curl
 * would make. Errors come back as {@link ApiError} with the problem's `code` and `field`, so a screen
 * can show the message beside the field it names.
 */

/** An `application/problem+json` answer. */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly field?: string;
  readonly [member: string]: unknown;
}

/** A failed API call. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  /** The input at fault, as the API names it (`url`, `eventTypes`, `productIds`). */
  readonly field: string | undefined;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail);
    this.status = problem.status;
    this.code = problem.code;
    this.field = problem.field;
    this.problem = problem;
  }
}

/** One page of a list, as every list route answers. */
export interface ListPage<T> {
  readonly data: T[];
  readonly nextCursor: string | null;
}

type Query = Record<string, string | number | boolean | undefined | null>;

/** Adds the query members that have a value. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** Calls API v1 with a token. */
export class ApiClient {
  readonly #token: string;
  readonly #onUnauthorized: () => void;

  /** @param onUnauthorized called when the token stops working (expired portal session, revoked key). */
  constructor(token: string, onUnauthorized: () => void = () => {}) {
    this.#token = token;
    this.#onUnauthorized = onUnauthorized;
  }

  /** Sends one request; resolves with the parsed body (`undefined` for 204). */
  async request<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#token}`,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch {
      throw new ApiError({ status: 0, code: 'network_error', detail: 'the server could not be reached' });
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const problem = (parsed ?? {}) as Partial<Problem>;
      const error = new ApiError({
        ...problem,
        status: response.status,
        code: typeof problem.code === 'string' ? problem.code : 'http_error',
        detail:
          typeof problem.detail === 'string' ? problem.detail : `${response.status} ${response.statusText}`,
      });
      if (response.status === 401) this.#onUnauthorized();
      throw error;
    }
    return parsed as T;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete(path: string): Promise<void> {
    return this.request<void>('DELETE', path);
  }
}
