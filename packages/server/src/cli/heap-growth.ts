/**
 * How far V8 lets a heap's old generation grow past what survived the last full collection before it
 * collects again. On a machine with a gigabyte or more to spare, V8 allows up to 4× that. A busy
 * Hookline process keeps a small live set (about 25 MB on the main thread, 15 MB in the sending
 * thread) under a steady stream of short-lived objects (claims, requests, outcomes, results), so 4×
 * meant about 100 MB of garbage held between collections, most of the process's memory.
 *
 * With 1.5× the busiest benchmark (B5: a million queued deliveries, then drained at about 15,000/s)
 * peaked at 226-237 MB instead of 311-333 MB. Full collections come more often, but each has as little to
 * mark as before and V8 marks concurrently on its helper threads.
 *
 * The factor is V8's `--heap-growing-percent`, set at start for every heap of the process (the threads
 * start later and take it too). An operator who passes it, in the command or `NODE_OPTIONS`, keeps
 * their value.
 */
import { setFlagsFromString } from 'node:v8';

/** Old generation limit = live size × (1 + this / 100). */
export const HEAP_GROWING_PERCENT = 50;

const FLAG = /(^|\s)--heap[-_]growing[-_]percent(=|\s|$)/;

/** Whether the operator set the growing factor themselves, on the command line or in `NODE_OPTIONS`. */
export function heapGrowthSetByOperator(
  execArgv: readonly string[],
  nodeOptions: string | undefined,
): boolean {
  return execArgv.some((arg) => FLAG.test(arg)) || FLAG.test(nodeOptions ?? '');
}

/** Applies {@link HEAP_GROWING_PERCENT} unless the operator chose a value. */
export function limitHeapGrowth(): void {
  if (heapGrowthSetByOperator(process.execArgv, process.env.NODE_OPTIONS)) return;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
