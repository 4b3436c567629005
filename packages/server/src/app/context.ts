/**
 * What every use case works with: the store, the clock, id generation and the settings that shape
 * behaviour. Built once by the composition root (`server.ts`).
 */

import { randomBytes } from 'node:crypto';
import type { HealthWindows } from '../domain/endpoint-health.ts';
import { formatId, type IdKind } from '../domain/ids.ts';
import type { AccountRecord, Store } from '../store/store.ts';
import type { EventCatalog } from './event-types.ts';
import type { ListCursors } from './list-cursors.ts';

/** Checks a webhook URL before it is stored (the SSRF guard, from `delivery/`). */
export interface UrlChecker {
  checkUrl(url: string): Promise<
    | { ok: true }
    | {
        ok: false;
        code: 'invalid_url' | 'unsupported_scheme' | 'blocked_address' | 'unresolvable';
        message: string;
      }
  >;
}

/** The dependencies and settings of the use cases. */
export interface AppContext {
  readonly store: Store;
  readonly now: () => number;
  readonly newId: (kind: IdKind) => string;
  readonly urlChecker: UrlChecker;
  /** Counts what publishing accepted (for metrics). */
  readonly onPublished: (events: number, deliveries: number) => void;
  readonly maxEventBytes: number;
  readonly secretGraceMs: number;
  /** The event types, their schemas and examples. */
  readonly catalog: EventCatalog;
  /** Deliveries by live state, counted at most every few seconds (see `sharedQueueDepth`). */
  readonly queueDepth: () => Promise<{ pending: number; sending: number }>;
  /** URLs an account may have receiving at once unless the operator set its own limit. */
  readonly maxActiveUrls: number;
  /** An account's share of a process's attempts in flight unless the operator set its own. */
  /** `HOOKLINE_RETENTION`: how long an account without its own retention keeps its events. */
  readonly retentionMs: number;
  /** The windows after which a failing endpoint is warned about and disabled (domain/endpoint-health.ts). */
  readonly endpointHealth: HealthWindows;
  /** `HOOKLINE_OPERATOR_ACCOUNT`: gets a copy of every account's operational events. */
  readonly operatorAccount: string | undefined;
  readonly accountConcurrency: number;
  /** An account's settings changed (its share of attempts in flight): the engine here applies them. */
  readonly onAccountChanged?: (account: AccountRecord) => void;
  /** Where browsers reach this server (`HOOKLINE_PUBLIC_URL`), for portal links; `undefined`: ask the request. */
  readonly publicUrl: string | undefined;
  /**
   * When this process last wrote each API key's last use, by key id: a key that authenticates every
   * publish is written at most once a minute, not once a request.
   */
  readonly apiKeyUsesWritten: Map<string, number>;
  /** Logs a failure of work that no request waits for (such as writing a key's last use). */
  readonly onBackgroundFailure: (error: unknown, what: string) => void;
  /** Seals the cursors of every list the API pages through, and opens them when they come back. */
  readonly cursors: ListCursors;
}

// Random bytes are drawn 10 KiB at a time: one `randomBytes` call per id cost about 7 % of the
// server's CPU at 6,000 deliveries/s (two ids each: the delivery and its attempt).
const RANDOM_POOL_BYTES = 10 * 1024;

/** Ids from the system clock and the OS random source. */
export function systemIdSource(now: () => number): (kind: IdKind) => string {
  let pool = randomBytes(RANDOM_POOL_BYTES);
  let offset = 0;
  return (kind) => {
    if (offset + 10 > pool.length) {
      pool = randomBytes(RANDOM_POOL_BYTES);
      offset = 0;
    }
    offset += 10;
    return formatId(kind, now(), pool, offset - 10);
  };
}
