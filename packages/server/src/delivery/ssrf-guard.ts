/**
 * The SSRF guard: keeps webhook deliveries from reaching the host's own network (loopback, RFC 1918,
 * link-local cloud metadata at 169.254.169.254, …) unless the operator allows it with
 * `HOOKLINE_ALLOW_TARGETS`.
 *
 * Two checks, one rule ({@link isAllowedTarget} from `domain/ip-range.ts`):
 *
 * 1. When an endpoint is created or updated, {@link SsrfGuard.checkUrl} parses the URL, resolves the
 *    host and refuses it if any address is not allowed, so the user hears about it at once (422
 *    `endpoint_url_blocked`).
 * 2. On every connection, the undici agent from {@link SsrfGuard.createAgent} resolves the host
 *    through {@link SsrfGuard.lookup}, drops the addresses that are not allowed and hands the rest
 *    to `net.connect`/`tls.connect`, which connect to exactly those addresses. There is no second
 *    DNS query between check and connect, so a name that answers "public" to the check and
 *    "127.0.0.1" a second later (DNS rebinding) gets nowhere. IP-literal hosts, which Node connects
 *    to without calling `lookup` at all, are checked by the agent's connector just before it dials.
 *
 * Redirects are not this module's business: undici 7 does not follow them unless a redirect
 * interceptor is composed in, and the delivery engine must not add one.
 *
 * @module
 */

import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import {
  type AddressClass,
  type Cidr,
  classifyAddress,
  formatAddress,
  isAllowedTarget,
  parseAddress,
} from '../domain/ip-range.ts';

/** One answer from a resolver, as `dns.promises.lookup(host, { all: true })` gives it. */
export interface ResolvedAddress {
  /** The address text, e.g. `93.184.216.34` or `2606:2800:220:1::`. */
  address: string;
  /** Address family; the guard re-derives it from `address` and does not trust this field. */
  family: 4 | 6;
}

/** Resolves a host name to every address it has. Rejects (any error) when the name does not resolve. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** How an {@link SsrfGuard} is set up. */
export interface SsrfGuardOptions {
  /** Networks allowed even though they are not public, parsed from `HOOKLINE_ALLOW_TARGETS`. */
  allow: readonly Cidr[];
  /**
   * Name resolution; defaults to `dns.promises.lookup(host, { all: true, verbatim: true })`, which
   * uses the system resolver (`/etc/hosts`, nsswitch) exactly as `net.connect` would.
   */
  lookup?: Resolver;
}

/** Why a target was refused. */
export type TargetRefusalCode = 'invalid_url' | 'unsupported_scheme' | 'blocked_address' | 'unresolvable';

/** The answer of {@link SsrfGuard.checkUrl} and {@link SsrfGuard.assertLiteralAllowed}. */
export type TargetCheck =
  | { ok: true }
  | {
      ok: false;
      /** Machine-readable reason; the API maps `blocked_address` to 422 `endpoint_url_blocked`. */
      code: TargetRefusalCode;
      /** One sentence for the person who typed the URL; never contains credentials. */
      message: string;
    };

/** The `code` of {@link BlockedAddressError}, which is how a failed delivery recognises it. */
export const BLOCKED_ADDRESS_ERROR_CODE = 'ERR_HOOKLINE_BLOCKED_ADDRESS';

/**
 * Raised (through the socket's connect callback, so undici rejects the request with it) when every
 * address of a target is refused. The attempt is logged as `blocked_address` and retried by the
 * schedule like other failures: a host name's DNS answer, or `HOOKLINE_ALLOW_TARGETS`, may change
 * within the days the schedule covers.
 */
export class BlockedAddressError extends Error {
  /** Always {@link BLOCKED_ADDRESS_ERROR_CODE}. */
  readonly code = BLOCKED_ADDRESS_ERROR_CODE;
  /** The host as the request named it (a name or an IP literal). */
  readonly hostname: string;
  /** Every refused address, canonical form. */
  readonly addresses: readonly string[];

  /** @param hostname the host as requested; @param addresses the refused addresses. */
  constructor(hostname: string, addresses: readonly string[]) {
    super(describeRefusal(hostname, addresses));
    this.name = 'BlockedAddressError';
    this.hostname = hostname;
    this.addresses = addresses;
  }
}

/** Options for {@link SsrfGuard.createAgent}; every field has undici's default when left out. */
export interface GuardedAgentOptions {
  /** Most sockets per origin (undici `connections`); unlimited when left out. */
  connections?: number;
  /** How long an idle keep-alive socket is kept when the server gives no hint (undici default 4 s). */
  keepAliveTimeoutMs?: number;
  /** Upper bound on a server's `Keep-Alive: timeout=` hint (undici default 600 s). */
  keepAliveMaxTimeoutMs?: number;
  /** Time allowed for DNS + TCP (+ TLS) before the attempt fails (undici default 10 s). */
  connectTimeoutMs?: number;
  /** Time allowed until the response headers arrive (undici default 300 s). */
  headersTimeoutMs?: number;
  /** Longest silence allowed between body chunks (undici default 300 s). */
  bodyTimeoutMs?: number;
  /** Responses larger than this fail with `UND_ERR_RES_EXCEEDED_MAX_SIZE`; unlimited when left out. */
  maxResponseBytes?: number;
  /** TLS settings such as `ca` or `rejectUnauthorized`; `lookup` cannot be overridden here. */
  tls?: Omit<ConnectionOptions, 'lookup' | 'host' | 'port' | 'socket' | 'timeout'>;
}

/**
 * Decides whether Hookline may send to a URL, and supplies the undici agent that enforces the same
 * decision on every connection. One instance per process, built from `HOOKLINE_ALLOW_TARGETS`.
 */
export class SsrfGuard {
  readonly #allow: readonly Cidr[];
  readonly #resolve: Resolver;

  /** @param options the allow list and, for tests, a resolver that does not need DNS. */
  constructor(options: SsrfGuardOptions) {
    this.#allow = options.allow;
    this.#resolve = options.lookup ?? resolveWithSystem;
  }

  /**
   * Checks a URL an account wants to deliver to. The URL is parsed with WHATWG `URL`, which reads
   * every legacy IPv4 spelling (`0x7f.1`, `2130706433`, `0177.0.0.1`, `127.1`) as the dotted quad it
   * means; the host is then checked again with `parseAddress`, which knows the same spellings.
   *
   * - Only `http:` and `https:` are accepted (`unsupported_scheme`).
   * - A user name or password is refused (`invalid_url`): it would be stored and logged in clear.
   * - A text that does not name its host right after `http://` or `https://` (`http:///x`), or that
   *   holds a backslash, is refused (`invalid_url`): the parser would read another URL than the one
   *   stored (see {@link checkSpelling}).
   * - An IP literal is classified directly; `localhost` and `*.localhost` are loopback by definition
   *   (RFC 6761 §6.3) and never reach DNS; any other name is resolved and refused when ANY of its
   *   addresses is not allowed (`blocked_address`), because a connection may land on any of them.
   * - A name that does not resolve gives `unresolvable`. DNS fails transiently and a customer may
   *   register an endpoint before publishing its record, so the caller may choose to accept such a
   *   URL: the connection-time lookup still checks every address it connects to.
   */
  async checkUrl(url: string): Promise<TargetCheck> {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (parsed === undefined) {
      return refuse('invalid_url', 'The endpoint URL is not a valid absolute URL.');
    }
    const shape = checkShape(parsed);
    if (!shape.ok) {
      return shape;
    }
    const spelling = checkSpelling(url);
    if (!spelling.ok) {
      return spelling;
    }
    const hostname = unbracket(parsed.hostname);
    const literal = parseAddress(hostname);
    let addresses: string[];
    if (literal !== undefined) {
      addresses = [formatAddress(literal)];
    } else if (isLocalhostName(hostname)) {
      addresses = [...LOCALHOST_ADDRESSES];
    } else {
      try {
        addresses = (await this.#resolve(hostname)).map((answer) => answer.address);
      } catch (error) {
        const reason = (error as { code?: unknown }).code;
        return refuse(
          'unresolvable',
          `The host ${hostname} does not resolve${typeof reason === 'string' ? ` (${reason})` : ''}.`,
        );
      }
      if (addresses.length === 0) {
        return refuse('unresolvable', `The host ${hostname} has no addresses.`);
      }
    }
    const refused = addresses.filter((address) => !isAllowedTarget(address, this.#allow));
    return refused.length === 0
      ? { ok: true }
      : refuse('blocked_address', describeRefusal(hostname, refused));
  }

  /**
   * A synchronous check of a URL: scheme, no credentials, and, when the host is an IP literal, the
   * address rule. Host names pass here and are checked by {@link lookup} when the agent connects.
   * The agent from {@link createAgent} runs the literal check itself before every connection, so no
   * request needs to call this; it exists for callers that want the answer without connecting.
   */
  assertLiteralAllowed(url: URL): TargetCheck {
    const shape = checkShape(url);
    if (!shape.ok) {
      return shape;
    }
    const hostname = unbracket(url.hostname);
    const literal = parseAddress(hostname);
    if (literal === undefined || isAllowedTarget(hostname, this.#allow)) {
      return { ok: true };
    }
    return refuse('blocked_address', describeRefusal(hostname, [formatAddress(literal)]));
  }

  /**
   * A drop-in for `dns.lookup` to pass as the `lookup` option of `net.connect` or `tls.connect`.
   * It resolves with the guard's resolver, keeps only allowed addresses (honouring `options.family`)
   * and answers in the shape `options.all` asks for: Node 20's happy-eyeballs connect
   * (`autoSelectFamily`, on by default) asks for all of them, `autoSelectFamily: false` for one.
   * When nothing allowed remains it fails with a {@link BlockedAddressError}. Resolver errors pass
   * through unchanged (`ENOTFOUND`, …).
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    void this.#allowedAddresses(hostname, options).then((outcome) => {
      if (outcome instanceof Error) {
        callback(outcome, options.all === true ? [] : '');
      } else if (options.all === true) {
        callback(null, outcome);
      } else {
        // #allowedAddresses never returns an empty list, so the first answer exists.
        const first = outcome[0]!;
        callback(null, first.address, first.family);
      }
    });
  };

  /**
   * An undici `Agent` for all outbound deliveries. Its connector checks IP-literal hosts (which Node
   * connects to without a lookup) and otherwise dials through {@link lookup}, so no request sent
   * through it can reach a refused address. Pass it as `dispatcher` on every request: undici's global
   * dispatcher is not guarded.
   *
   * Because `connect` is a function here, undici ignores the agent-level `connectTimeout`,
   * `autoSelectFamily` and `tls` options; the equivalents are given to `buildConnector` instead,
   * which is why they are options of this method.
   */
  createAgent(options: GuardedAgentOptions = {}): Agent {
    const dial = buildConnector({
      ...options.tls,
      ...(options.connectTimeoutMs === undefined ? {} : { timeout: options.connectTimeoutMs }),
      lookup: this.lookup,
    });
    const connect: buildConnector.connector = (target, callback) => {
      const literal = parseAddress(target.hostname);
      if (literal !== undefined && !isAllowedTarget(target.hostname, this.#allow)) {
        const error = new BlockedAddressError(target.hostname, [formatAddress(literal)]);
        // undici's own connector always answers asynchronously; its caller is not re-entrant.
        queueMicrotask(() => callback(error, null));
        return;
      }
      dial(target, callback);
    };
    return new Agent({
      connect,
      ...(options.connections === undefined ? {} : { connections: options.connections }),
      ...(options.keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeoutMs }),
      ...(options.keepAliveMaxTimeoutMs === undefined
        ? {}
        : { keepAliveMaxTimeout: options.keepAliveMaxTimeoutMs }),
      ...(options.headersTimeoutMs === undefined ? {} : { headersTimeout: options.headersTimeoutMs }),
      ...(options.bodyTimeoutMs === undefined ? {} : { bodyTimeout: options.bodyTimeoutMs }),
      ...(options.maxResponseBytes === undefined ? {} : { maxResponseSize: options.maxResponseBytes }),
    });
  }

  /** The allowed addresses of a host (non-empty), or the error to fail the connection with. */
  async #allowedAddresses(hostname: string, options: LookupOptions): Promise<LookupAddress[] | Error> {
    let answers: string[];
    const literal = parseAddress(hostname);
    if (literal !== undefined) {
      // Node only calls lookup for text `isIP` rejects, such as `127.1`; getaddrinfo would still read
      // it as an address, so it is answered here as the address it is, without DNS.
      answers = [formatAddress(literal)];
    } else if (isLocalhostName(hostname)) {
      answers = [...LOCALHOST_ADDRESSES];
    } else {
      try {
        answers = (await this.#resolve(hostname)).map((answer) => answer.address);
      } catch (error) {
        return error instanceof Error ? error : new Error(`lookup of ${hostname} failed: ${String(error)}`);
      }
    }
    const wantedFamily = familyOf(options.family);
    const candidates: LookupAddress[] = [];
    for (const answer of answers) {
      const parsed = parseAddress(answer);
      if (parsed !== undefined && (wantedFamily === 0 || parsed.version === wantedFamily)) {
        candidates.push({ address: formatAddress(parsed), family: parsed.version });
      }
    }
    const allowed = candidates.filter((candidate) => isAllowedTarget(candidate.address, this.#allow));
    if (allowed.length > 0) {
      return allowed;
    }
    if (candidates.length === 0) {
      return Object.assign(new Error(`${hostname} has no usable address`), { code: 'ENOTFOUND', hostname });
    }
    return new BlockedAddressError(
      hostname,
      candidates.map((candidate) => candidate.address),
    );
  }
}

/**
 * `localhost` answers without DNS (RFC 6761 §6.3), so a hosts file or resolver cannot make it look
 * public. IPv4 first because local test receivers usually bind 127.0.0.1; happy eyeballs still
 * tries `::1` when both are allowed.
 */
const LOCALHOST_ADDRESSES = ['127.0.0.1', '::1'] as const;

async function resolveWithSystem(hostname: string): Promise<ResolvedAddress[]> {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((answer) => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
}

/** Scheme and credentials: the parts of a URL that do not depend on where its host points. */
function checkShape(url: URL): TargetCheck {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return refuse(
      'unsupported_scheme',
      `The endpoint URL must use http or https, not ${url.protocol.replace(/:$/, '')}.`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    return refuse(
      'invalid_url',
      'The endpoint URL must not contain a user name or password; they would be stored and logged in clear.',
    );
  }
  if (url.hostname === '') {
    return refuse('invalid_url', 'The endpoint URL has no host.');
  }
  return { ok: true };
}

/**
 * Checks that the URL as written names the host that is checked. WHATWG `URL` is lenient with
 * http(s) URLs: it reads `http:///x`, `http:/x`, `http:x` and `http:\\x` all as `http://x/`, and a
 * backslash in the path as a slash. An endpoint keeps its URL as written, so such a text would be
 * stored and shown without the host it delivers to, or with another path than the one requested; it
 * is refused instead. What the parser still changes (the case of the scheme and host, a default
 * port, percent-encoding, the spellings of an IPv4 address) names the same target.
 */
function checkSpelling(url: string): TargetCheck {
  if (!/^https?:\/\/[^/\\]/i.test(url)) {
    return refuse('invalid_url', 'The endpoint URL must name its host right after http:// or https://.');
  }
  if (url.includes('\\')) {
    return refuse('invalid_url', 'The endpoint URL must not contain a backslash; use / in paths.');
  }
  return { ok: true };
}

function refuse(code: TargetRefusalCode, message: string): TargetCheck {
  return { ok: false, code, message };
}

/** One sentence naming the refused addresses with their class, e.g. `10.0.0.1 (private)`. */
function describeRefusal(hostname: string, addresses: readonly string[]): string {
  const target =
    parseAddress(hostname) === undefined
      ? `${hostname}, which resolves to ${addresses.map((address) => `${address} (${classOf(address)})`).join(', ')}`
      : `${hostname} (${classOf(hostname)})`;
  return `Refusing to deliver to ${target}: only public addresses are allowed unless HOOKLINE_ALLOW_TARGETS includes them.`;
}

function classOf(address: string): AddressClass | 'not an address' {
  return parseAddress(address) === undefined ? 'not an address' : classifyAddress(address);
}

function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function familyOf(family: LookupOptions['family']): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') {
    return 4;
  }
  if (family === 6 || family === 'IPv6') {
    return 6;
  }
  return 0;
}
