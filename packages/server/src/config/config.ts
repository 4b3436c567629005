/**
 * Every setting Hookline reads, in one table: the environment variable, its default, its unit and the
 * sentence `docs/configuration.md` shows for it (a test keeps the page and this table in step).
 * The loaded configuration is frozen; nothing else in the server reads `process.env`.
 */

import { formatDurationMs, parseDurationListMs, parseDurationMs } from '../domain/duration.ts';
import { type Cidr, parseCidrList } from '../domain/ip-range.ts';

/** The server's configuration after parsing and validation. */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Where browsers reach this server (`HOOKLINE_PUBLIC_URL`); `undefined`: judged from each request. */
  readonly publicUrl: string | undefined;
  readonly role: Role;
  readonly dataDir: string;
  /** `postgres://…` puts everything in PostgreSQL; `undefined` keeps the embedded SQLite file. */
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  readonly adminToken: string | undefined;
  readonly retryScheduleMs: readonly number[];
  readonly timeoutMs: number;
  readonly allowTargets: readonly Cidr[];
  readonly logLevel: LogLevel;
  readonly maxEventBytes: number;
  readonly requestTimeoutMs: number;
  readonly secretGraceMs: number;
  readonly maxActiveUrls: number;
  /** Requests per second one API key may make; 0: no limit. */
  readonly rateLimitKeyPerSecond: number;
  /** Requests per second one account may make over all its keys and portal sessions; 0: no limit. */
  readonly rateLimitAccountPerSecond: number;
  /** Requests per second the admin token may make; 0: no limit. */
  readonly rateLimitAdminPerSecond: number;
  /** The rate limits' burst window, in whole seconds. */
  readonly rateLimitWindowMs: number;
  readonly retryAfterMaxMs: number;
  readonly workerConcurrency: number;
  readonly endpointConcurrency: number;
  readonly accountConcurrency: number;
  readonly claimBatchSize: number;
  readonly pollIntervalMs: number;
  readonly maxResponseBodyBytes: number;
  readonly loggedRequestBodyBytes: number;
  readonly shutdownTimeoutMs: number;
  /** How long events, deliveries and attempts are kept, for accounts without their own retention. */
  readonly retentionMs: number;
  /** The pause between two passes of the pruner. */
  readonly pruneIntervalMs: number;
  /** How long every attempt to an endpoint fails before the merchant is warned. */
  readonly failingWarningAfterMs: number;
  /** How long every attempt to an endpoint fails before it is disabled. */
  readonly disableAfterMs: number;
  /** The account that gets a copy of every account's operational events; `undefined`: none. */
  readonly operatorAccount: string | undefined;
  /** Origins that may show the dashboard and merchant portal in a frame; empty: none may. */
  readonly portalFrameAncestors: readonly string[];
}

/** What one process runs: the API, the delivery workers, or both. */
export type Role = 'api' | 'worker' | 'all';
/** The roles, as `--role` and `HOOKLINE_ROLE` take them. */
export const ROLES: readonly Role[] = ['api', 'worker', 'all'];

/** Log levels accepted by `HOOKLINE_LOG_LEVEL`. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** One documented setting. */
export interface SettingSpec {
  readonly env: string;
  readonly key: keyof Config;
  /** The default as an operator would write it; `undefined` when unset means "none". */
  readonly defaultText: string | undefined;
  /** How the documentation shows the default, when the text alone would not say it. */
  readonly defaultDoc?: string;
  /** What the value is measured in or made of, as the documentation's table shows it. */
  readonly unit: string;
  readonly description: string;
  readonly parse: (text: string) => Config[keyof Config];
}

/** Raised when a setting is invalid; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function integer(min: number, max: number) {
  return (text: string): number => {
    if (!/^\d+$/.test(text.trim())) throw new Error(`"${text}" is not a whole number`);
    const value = Number(text);
    if (value < min || value > max) throw new Error(`${value} is outside ${min}..${max}`);
    return value;
  };
}

function duration(minMs: number) {
  return (text: string): number => {
    const ms = parseDurationMs(text);
    if (ms < minMs) throw new Error(`${text} is shorter than ${formatDurationMs(minMs)}`);
    return ms;
  };
}

/** A rate limit in requests per second: a whole number, or `0` / `off` for none. */
function requestRate(text: string): number {
  if (text.trim().toLowerCase() === 'off') return 0;
  return integer(0, 1_000_000)(text);
}

/** The rate limits' window: whole seconds, from 1 s to an hour (the RateLimit-Policy `w` is in seconds). */
function rateLimitWindow(text: string): number {
  const ms = parseDurationMs(text);
  if (ms % 1_000 !== 0) throw new Error(`${text} is not a whole number of seconds`);
  if (ms < 1_000 || ms > 3_600_000) throw new Error(`${text} is outside 1s..1h`);
  return ms;
}

/**
 * Checks an admin token, from `HOOKLINE_ADMIN_TOKEN` or from `<data dir>/admin-token`.
 * @throws Error saying what is wrong with it (never the token itself).
 */
export function parseAdminToken(text: string): string {
  if (text.length < 16) throw new Error('must be at least 16 characters');
  // A bearer token travels in a header as one word: a space, a line break or a non-ASCII character
  // would make a token that no request can present.
  if (!/^[\x21-\x7e]+$/.test(text)) throw new Error('must be printable ASCII without spaces');
  return text;
}

/** Checks an account id as the API hands them out (`acc_` and 26 characters of Crockford base 32). */
function parseAccountId(text: string): string {
  const value = text.trim();
  if (!/^acc_[0-9A-HJKMNP-TV-Z]{26}$/.test(value)) throw new Error(`"${value}" is not an account id (acc_…)`);
  return value;
}

/**
 * Checks the public base URL: absolute http(s), without a trailing slash (links append `/portal`),
 * and without a query, fragment or credentials, which a link would carry to every merchant.
 */
function parsePublicUrl(text: string): string {
  const value = text.trim();
  if (!URL.canParse(value))
    throw new Error(`"${value}" is not an absolute URL such as https://hooks.example.com`);
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error('must start with http:// or https://');
  if (value.endsWith('/')) throw new Error('must not end with a slash');
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new Error('must not carry a query, a fragment or credentials');
  }
  return value;
}

/** The table of settings, in the order `docs/configuration.md` lists them. */
export const SETTINGS: readonly SettingSpec[] = [
  {
    env: 'PORT',
    key: 'port',
    defaultText: '8080',
    unit: 'TCP port',
    description:
      'TCP port of the API and the operations routes (`/healthz`, `/readyz`, `/metrics`, `/openapi.json`). `0` picks a free port.',
    parse: integer(0, 65_535),
  },
  {
    env: 'HOOKLINE_HOST',
    key: 'host',
    defaultText: '0.0.0.0',
    unit: 'IP address or host name',
    description: 'Address the HTTP server listens on. Use `127.0.0.1` to accept local connections only.',
    parse: (text) => {
      if (text.trim() === '') throw new Error('is empty');
      return text.trim();
    },
  },
  {
    env: 'HOOKLINE_PUBLIC_URL',
    key: 'publicUrl',
    defaultText: undefined,
    defaultDoc: 'none: taken from each request',
    unit: 'absolute URL',
    description:
      'The address at which browsers reach this server, such as `https://hooks.example.com` (no trailing slash): the base of the merchant portal links that `POST /v1/accounts/{accountId}/portal-sessions` returns. When unset, a link is built from the scheme and `Host` header of the request that asked for it; set it when Hookline runs behind a proxy that changes either.',
    parse: parsePublicUrl,
  },
  {
    env: 'HOOKLINE_ROLE',
    key: 'role',
    defaultText: 'all',
    unit: '`api`, `worker` or `all`',
    description:
      'What this process runs: the API (`api`), the delivery workers (`worker`, which serve only the operations routes), or both (`all`). `hookline start --role …` overrides it. `api` and `worker` need `DATABASE_URL`: several processes share one PostgreSQL database.',
    parse: (text) => {
      const role = text.trim() as Role;
      if (!ROLES.includes(role)) throw new Error(`"${text}" is not one of ${ROLES.join(', ')}`);
      return role;
    },
  },
  {
    env: 'DATABASE_URL',
    key: 'databaseUrl',
    defaultText: undefined,
    unit: 'PostgreSQL URL',
    description:
      '`postgres://user:password@host:5432/database` puts accounts, events and deliveries in PostgreSQL, so any number of API and worker processes on any number of machines share them (see docs/scaling.md). When unset, Hookline uses the embedded SQLite file in `HOOKLINE_DATA_DIR`.',
    parse: (text) => {
      const url = text.trim();
      if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('must start with postgres:// or postgresql://');
      if (!URL.canParse(url)) throw new Error('is not a valid URL');
      return url;
    },
  },
  {
    env: 'HOOKLINE_DATABASE_POOL_SIZE',
    key: 'databasePoolSize',
    defaultText: '10',
    unit: 'connections',
    description:
      'PostgreSQL connections one process opens at most (plus two for claims and heartbeats in a worker, and one that listens for new work). Mind the server’s `max_connections` times the number of processes.',
    parse: integer(2, 1_000),
  },
  {
    env: 'HOOKLINE_DATA_DIR',
    key: 'dataDir',
    defaultText: './data',
    unit: 'directory path',
    description:
      'Directory holding the SQLite database (`hookline.db` with its WAL files) and the generated admin token.',
    parse: (text) => {
      if (text.trim() === '') throw new Error('is empty');
      return text.trim();
    },
  },
  {
    env: 'HOOKLINE_ADMIN_TOKEN',
    key: 'adminToken',
    defaultText: undefined,
    defaultDoc: 'none: generated on first start',
    unit: 'text',
    description:
      'The operator token (`Authorization: Bearer …`) that reaches every account. When unset, the first start generates one, stores it in `<data dir>/admin-token` (mode 0600) and prints it. Required with `DATABASE_URL`: every process of a deployment must accept the same token. It also keys the signature of list cursors, so changing it ends the cursors handed out before. At least 16 characters, printable ASCII without spaces.',
    parse: parseAdminToken,
  },
  {
    env: 'HOOKLINE_RETRY_SCHEDULE',
    key: 'retryScheduleMs',
    defaultText: '5s,5m,30m,2h,5h,10h,14h,20h,24h',
    unit: 'list of durations',
    description:
      'Delays before each retry, after the immediate first attempt; each delay gets ±20 % jitter. The default spreads 10 attempts over about three days. When the list is used up, the delivery is `failed`.',
    parse: (text) => {
      const delays = parseDurationListMs(text);
      if (delays.length === 0) throw new Error('needs at least one duration');
      if (delays.length > 50) throw new Error('allows at most 50 retries');
      return delays;
    },
  },
  {
    env: 'HOOKLINE_TIMEOUT_MS',
    key: 'timeoutMs',
    defaultText: '15000',
    unit: 'milliseconds',
    description:
      'Total deadline of one attempt: resolving the name, connecting, sending, the response headers and the (capped) response body together. An endpoint may set a lower `timeoutMs`; a higher one is cut to this.',
    parse: integer(100, 300_000),
  },
  {
    env: 'HOOKLINE_ALLOW_TARGETS',
    key: 'allowTargets',
    defaultText: '',
    unit: 'list of CIDRs',
    description:
      'Comma-separated CIDRs that endpoints may target although they are loopback, private, link-local or otherwise non-public, e.g. `127.0.0.0/8,::1/128` for local development. Default: none, every non-public address is refused.',
    parse: (text) => parseCidrList(text),
  },
  {
    env: 'HOOKLINE_LOG_LEVEL',
    key: 'logLevel',
    defaultText: 'info',
    unit: 'level',
    description: `Log level of the JSON logs on standard output: ${LOG_LEVELS.join(', ')}.`,
    parse: (text) => {
      const level = text.trim().toLowerCase();
      if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new Error(`"${text}" is not a log level`);
      return level as LogLevel;
    },
  },
  {
    env: 'HOOKLINE_MAX_EVENT_BYTES',
    key: 'maxEventBytes',
    defaultText: '262144',
    unit: 'bytes',
    description:
      'Largest accepted event, in bytes of its JSON `data` (256 KiB by default). Larger events are refused with 413 `payload_too_large`.',
    parse: integer(1_024, 16 * 1024 * 1024),
  },
  {
    env: 'HOOKLINE_REQUEST_TIMEOUT',
    key: 'requestTimeoutMs',
    defaultText: '30s',
    unit: 'duration',
    description:
      'How long a client may take to send one whole request, headers and body, from its first byte. A request still incomplete then is answered 408 `request_timeout` and its connection closed, so a client that stops sending does not hold a connection. Raise it for clients on slow links that publish large batches.',
    parse: (text) => {
      const ms = duration(100)(text);
      if (ms > 3_600_000) throw new Error(`${text} is longer than 1h`);
      return ms;
    },
  },
  {
    env: 'HOOKLINE_SECRET_GRACE',
    key: 'secretGraceMs',
    defaultText: '24h',
    unit: 'duration',
    description:
      'After a secret rotation, how long the previous secret keeps signing beside the new one (both signatures are sent).',
    parse: duration(0),
  },
  {
    env: 'HOOKLINE_MAX_ACTIVE_URLS',
    key: 'maxActiveUrls',
    defaultText: '10',
    unit: 'URLs',
    description:
      'How many distinct URLs one account may have receiving at once (over its enabled endpoints); the admin sets another limit per account with `PATCH /v1/accounts/{accountId}`. Disabled endpoints do not count.',
    parse: integer(1, 100_000),
  },
  {
    env: 'HOOKLINE_RATE_LIMIT_KEY',
    key: 'rateLimitKeyPerSecond',
    defaultText: '100',
    unit: 'requests per second',
    description:
      'API requests one account API key may make per second, with a burst of `HOOKLINE_RATE_LIMIT_WINDOW` worth; more are answered 429 `rate_limited` with `Retry-After`. Counted in each process (see docs/rate-limits.md). `0` or `off`: no limit.',
    parse: requestRate,
  },
  {
    env: 'HOOKLINE_RATE_LIMIT_ACCOUNT',
    key: 'rateLimitAccountPerSecond',
    defaultText: '200',
    unit: 'requests per second',
    description:
      'API requests one account may make per second over all its API keys and portal sessions together, so many keys do not multiply the limit. Requests with the admin token do not count against it. `0` or `off`: no limit.',
    parse: requestRate,
  },
  {
    env: 'HOOKLINE_RATE_LIMIT_ADMIN',
    key: 'rateLimitAdminPerSecond',
    defaultText: '50000',
    unit: 'requests per second',
    description:
      'API requests the admin token may make per second, over every account it acts on: a ceiling for a runaway job of the platform, set well above what one process serves (about 14,000 single publishes a second on two cores; a batch of up to 1,000 events is one request). `0` or `off`: no limit.',
    parse: requestRate,
  },
  {
    env: 'HOOKLINE_RATE_LIMIT_WINDOW',
    key: 'rateLimitWindowMs',
    defaultText: '1s',
    unit: 'duration (whole seconds)',
    description:
      'The burst of every rate limit: a caller that has been quiet may make its rate times this window at once, then its rate. The `w` of the `RateLimit-Policy` header. From `1s` to `1h`.',
    parse: rateLimitWindow,
  },
  {
    env: 'HOOKLINE_RETRY_AFTER_MAX',
    key: 'retryAfterMaxMs',
    defaultText: '1h',
    unit: 'duration',
    description:
      'Upper bound on a receiver’s `Retry-After` (on 429 and 503). A longer value is clamped to this so a receiver cannot park a delivery for ever.',
    parse: duration(1_000),
  },
  {
    env: 'HOOKLINE_WORKER_CONCURRENCY',
    key: 'workerConcurrency',
    defaultText: '512',
    unit: 'attempts',
    description: 'Attempts one process keeps in flight at most, over all endpoints.',
    parse: integer(1, 100_000),
  },
  {
    env: 'HOOKLINE_ENDPOINT_CONCURRENCY',
    key: 'endpointConcurrency',
    defaultText: '32',
    unit: 'attempts',
    description:
      'Attempts in flight to one endpoint at most, over all its URLs (an endpoint may set a lower `maxConcurrency`), so a slow or hanging receiver cannot take every worker slot.',
    parse: integer(1, 10_000),
  },
  {
    env: 'HOOKLINE_ACCOUNT_CONCURRENCY',
    key: 'accountConcurrency',
    defaultText: '128',
    unit: 'attempts',
    description:
      'Attempts in flight for one account at most in each delivery process, over all its endpoints, shared fairly among those with work, so one merchant whose receivers hang or crawl cannot take the process from the others. A fast account may briefly use twice this. At most `HOOKLINE_WORKER_CONCURRENCY`; the admin sets another share per account with `PATCH /v1/accounts/{accountId}` (`maxConcurrency`).',
    parse: integer(1, 100_000),
  },
  {
    env: 'HOOKLINE_CLAIM_BATCH',
    key: 'claimBatchSize',
    defaultText: '256',
    unit: 'deliveries',
    description: 'Deliveries claimed from the database in one query.',
    parse: integer(1, 10_000),
  },
  {
    env: 'HOOKLINE_POLL_INTERVAL',
    key: 'pollIntervalMs',
    defaultText: '1s',
    unit: 'duration',
    description:
      'How often idle workers look for due retries. New events wake the workers at once; this only bounds how late a scheduled retry may start.',
    parse: duration(10),
  },
  {
    env: 'HOOKLINE_MAX_RESPONSE_BODY_BYTES',
    key: 'maxResponseBodyBytes',
    defaultText: '65536',
    unit: 'bytes',
    description:
      'How much of each response body is kept in the attempt log (after decompression). Reading stops there; the rest is never buffered.',
    parse: integer(0, 1024 * 1024),
  },
  {
    env: 'HOOKLINE_LOGGED_REQUEST_BODY_BYTES',
    key: 'loggedRequestBodyBytes',
    defaultText: '65536',
    unit: 'bytes',
    description:
      'How much of each request body the attempt log keeps, as sent (JSON or form). 0 keeps none: the log then shows the headers sent and the event data, not the body.',
    parse: integer(0, 16 * 1024 * 1024),
  },
  {
    env: 'HOOKLINE_SHUTDOWN_TIMEOUT',
    key: 'shutdownTimeoutMs',
    defaultText: '20s',
    unit: 'duration',
    description:
      'On SIGTERM or SIGINT, how long to wait for attempts in flight before exiting. Attempts still unfinished then are made again when the server starts next (the receiver may get them twice).',
    parse: duration(0),
  },
  {
    env: 'HOOKLINE_RETENTION',
    key: 'retentionMs',
    defaultText: '30d',
    unit: 'duration',
    description:
      'How long events are kept, with their deliveries and attempts, for accounts without their own `retention` (`PATCH /v1/accounts/{accountId}`). Older ones are deleted by the pruner; an event with a delivery still pending or sending is kept. At least `1s`. See docs/operations.md.',
    parse: duration(1_000),
  },
  {
    env: 'HOOKLINE_PRUNE_INTERVAL',
    key: 'pruneIntervalMs',
    defaultText: '1m',
    unit: 'duration',
    description:
      'The pause between two passes of the pruner, which every delivery process runs. A pass deletes in steps of a few milliseconds each.',
    parse: duration(100),
  },
  {
    env: 'HOOKLINE_FAILING_WARNING_AFTER',
    key: 'failingWarningAfterMs',
    defaultText: '24h',
    unit: 'duration',
    description:
      'When every attempt to an endpoint has failed for this long, the merchant is warned once with a `hookline.endpoint.failing` event (see docs/operations.md).',
    parse: duration(1_000),
  },
  {
    env: 'HOOKLINE_DISABLE_AFTER',
    key: 'disableAfterMs',
    defaultText: '5d',
    unit: 'duration',
    description:
      'When every attempt to an endpoint has failed for this long, it is disabled with the reason `failing` and a `hookline.endpoint.disabled` event. Its undelivered deliveries are cancelled and kept: `recover` sends them once it is enabled again.',
    parse: duration(1_000),
  },
  {
    env: 'HOOKLINE_OPERATOR_ACCOUNT',
    key: 'operatorAccount',
    defaultText: undefined,
    defaultDoc: 'none',
    unit: 'account id',
    description:
      'An account of the operator (`acc_…`) that gets a copy of every account’s operational events (`hookline.endpoint.*`, `hookline.delivery.exhausted`), each naming the account it concerns.',
    parse: parseAccountId,
  },
  {
    env: 'HOOKLINE_PORTAL_FRAME_ANCESTORS',
    key: 'portalFrameAncestors',
    defaultText: '',
    unit: 'list of origins',
    description:
      'Space- or comma-separated origins (`https://app.example.com`) whose pages may embed the dashboard and the merchant portal in an iframe. Default: none, every page refuses to be framed.',
    parse: parseOriginList,
  },
];

/** Parses a list of origins (`https://host[:port]`), as a Content-Security-Policy `frame-ancestors` takes them. */
function parseOriginList(text: string): readonly string[] {
  return text
    .split(/[\s,]+/)
    .filter((part) => part !== '')
    .map((part) => {
      let url: URL;
      try {
        url = new URL(part);
      } catch {
        throw new Error(`"${part}" is not an origin such as https://app.example.com`);
      }
      if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== part.replace(/\/$/, '')) {
        throw new Error(
          `"${part}" is not an origin such as https://app.example.com (scheme, host and port only)`,
        );
      }
      return url.origin;
    });
}

/**
 * The `HOOKLINE_*` variables of an environment that are not settings: most likely misspelt ones, which
 * `loadConfig` ignores, so the setting they meant silently keeps its default.
 */
export function unknownSettings(env: Readonly<Record<string, string | undefined>>): string[] {
  const known = new Set(SETTINGS.map((setting) => setting.env));
  return Object.keys(env)
    .filter((name) => name.startsWith('HOOKLINE_') && !known.has(name))
    .sort();
}

/**
 * Reads the settings from an environment. Every invalid variable is reported, not only the first.
 * @throws ConfigError whose message names each invalid variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const setting of SETTINGS) {
    const raw = env[setting.env];
    const text = raw === undefined || raw === '' ? setting.defaultText : raw;
    if (text === undefined) {
      values[setting.key] = undefined;
      continue;
    }
    try {
      values[setting.key] = setting.parse(text);
    } catch (error) {
      problems.push(`${setting.env}: ${(error as Error).message}`);
    }
  }
  // Several processes share a PostgreSQL database; each generating its own admin token would lock the
  // operator out of all but one.
  if (values['databaseUrl'] !== undefined && values['adminToken'] === undefined && problems.length === 0) {
    problems.push(
      'HOOKLINE_ADMIN_TOKEN: is required with DATABASE_URL (every process must accept the same token)',
    );
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration\n  ${problems.join('\n  ')}`);
  return Object.freeze(values as unknown as Config);
}
