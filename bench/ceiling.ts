/**
 * The ceiling: how many webhook-sized POSTs per second one Node process can push into the benchmark's
 * receiver on this machine, right now. Each request is what Hookline would send (the same body, signed
 * with `@hookline/receiver`), and the receiver checks and records it as it does Hookline's, so
 * `Hookline's throughput ÷ ceiling` says how close the server comes to the HTTP round trip itself.
 */
import { createSigner, generateSecret } from '@hookline/receiver';
import { Pool } from 'undici';
import { benchEvent, webhookBodyOf } from './bench-event.ts';
import { runClosedLoop } from './load.ts';
import type { ReceiverProcess } from './receiver-control.ts';

/** Connections of the ceiling's pool: as many as B1's publishers, more than one endpoint's 32 slots. */
export const CEILING_CONNECTIONS = 64;

const WARM_UP_MS = 500;

/** What the ceiling run measured. */
export interface CeilingResult {
  /** 2xx answers per second. */
  readonly perSecond: number;
  readonly requests: number;
  readonly errors: number;
  /** Deliveries the receiver recorded with a valid signature: proves the receiver did its full work. */
  readonly verified: number;
}

/**
 * Measures the ceiling for `durationMs`. Replaces the receiver's paths with one `/ceiling` path and
 * resets it afterwards; call it before configuring a scenario's paths.
 */
export async function measureCeiling(receiver: ReceiverProcess, durationMs: number): Promise<CeilingResult> {
  const secret = generateSecret();
  const sign = createSigner(secret);
  await receiver.configure([{ path: '/ceiling', mode: 'ok', secret }]);
  await receiver.reset();
  const pool = new Pool(receiver.origin, { connections: CEILING_CONNECTIONS, pipelining: 1 });
  let seq = 0;
  try {
    const send = async () => {
      const k = seq++;
      const event = benchEvent('ceiling', k, 'bench.ceiling');
      const body = webhookBodyOf(event);
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await pool.request({
        method: 'POST',
        path: '/ceiling',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'hookline-bench-ceiling',
          'webhook-id': event.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': sign(event.id, timestamp, body),
        },
        body,
      });
      await response.body.dump();
      return response.statusCode >= 200 && response.statusCode < 300;
    };
    // Warm-up, not counted: opens the connections and lets both processes' JIT settle.
    await runClosedLoop({ clients: CEILING_CONNECTIONS, durationMs: WARM_UP_MS, send });
    await receiver.reset();
    const result = await runClosedLoop({ clients: CEILING_CONNECTIONS, durationMs, send });
    const stats = await receiver.stats();
    return {
      perSecond: result.succeeded / (result.elapsedMs / 1000),
      requests: result.succeeded + result.errors,
      errors: result.errors,
      verified: stats.received,
    };
  } finally {
    await pool.destroy();
    await receiver.reset();
  }
}
