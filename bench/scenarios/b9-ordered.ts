/**
 * B9 ordered: many keys with several events each to an endpoint with `ordered`, whose receiver fails
 * a tenth of the attempts at random. The receiver checks, key by key, that no event came before the
 * one ahead of it was answered 200. The same run without `ordered` gives the throughput to compare
 * with (and shows that the check sees disorder when there is some).
 */
import { benchEvent, benchRunId, epochNowMs } from '../bench-event.ts';
import { startDeployment } from '../deployment.ts';
import { awaitDeliveries, setUpAccounts } from '../fixture.ts';
import { expectationsFor, SeqRanges } from '../ledger.ts';
import { FLAKY_FAIL_PERCENT } from '../receiver-control.ts';
import type { Scenario, ScenarioContext } from '../scenario.ts';

const SIZES = { full: { keys: 10_000, perKey: 10 }, quick: { keys: 1_000, perKey: 10 } } as const;
const BATCH = 1_000;
const PATH = '/e/0';
/** Retries 200 ms apart, so a failed head holds its key for 200 ms rather than the default minute. */
const RETRY_SCHEDULE = Array.from({ length: 20 }, () => '200ms').join(',');

interface VariantResult {
  readonly perSecond: number;
  readonly outOfOrder: number;
  readonly missing: number;
  readonly failedAnswers: number;
  readonly invalidSignatures: number;
}

async function runVariant(ctx: ScenarioContext, ordered: boolean): Promise<VariantResult> {
  const { keys, perKey } = ctx.options.quick ? SIZES.quick : SIZES.full;
  const label = `b9_${ordered ? 'ordered' : 'unordered'}_run${ctx.runIndex + 1}`;
  const deployment = await startDeployment({ label, env: { HOOKLINE_RETRY_SCHEDULE: RETRY_SCHEDULE } });
  try {
    const [accountId] = await setUpAccounts(deployment.client, {
      receiver: ctx.receiver,
      accounts: [
        {
          label,
          endpoints: [
            {
              path: PATH,
              mode: 'flaky',
              eventTypes: ['bench.ordered'],
              options: { ordered },
              orderKeys: keys,
            },
          ],
        },
      ],
    });
    const runId = benchRunId(label);
    const events = keys * perKey;
    const accepted = new SeqRanges();
    const startedAt = epochNowMs();
    // One publisher, one batch after another: the publish order is the order of the numbers.
    for (let first = 0; first < events; first += BATCH) {
      const batch = [];
      for (let seq = first; seq < Math.min(events, first + BATCH); seq++) {
        batch.push({ ...benchEvent(runId, seq, 'bench.ordered'), orderingKey: `k${seq % keys}` });
      }
      if (await deployment.client.publishBatch(accountId!, batch)) accepted.add(first, first + batch.length);
    }
    ctx.log(
      `${label}: ${accepted.size} events published in ${((epochNowMs() - startedAt) / 1000).toFixed(1)} s`,
    );
    const wait = await awaitDeliveries(
      ctx.receiver,
      expectationsFor(accepted, [PATH], 'every'),
      ctx.options.quick ? 30_000 : 120_000,
    );
    const lastAt = wait.complete ? (wait.stats.lastReceiptAt ?? wait.endedAt) : wait.endedAt;
    const result: VariantResult = {
      perSecond: wait.check.present / ((lastAt - startedAt) / 1000),
      outOfOrder: wait.stats.outOfOrder,
      missing: wait.check.missing,
      failedAnswers: wait.stats.failed,
      invalidSignatures: wait.stats.invalidSignatures,
    };
    ctx.log(
      `${label}: ${Math.round(result.perSecond)} deliveries/s, ${result.outOfOrder} out of order, ` +
        `${result.missing} missing, ${result.failedAnswers} answered 500`,
    );
    return result;
  } finally {
    await deployment.stop();
  }
}

/** B9 ordered. */
export const b9Ordered: Scenario = {
  id: 'B9',
  title: 'B9 ordered',
  description:
    `${SIZES.full.keys.toLocaleString('en-US')} ordering keys × ${SIZES.full.perKey} events (quick: ` +
    `${SIZES.quick.keys.toLocaleString('en-US')} keys), event \`seq\` being number ⌊seq ÷ keys⌋ of key ` +
    `seq mod keys, published in batches of ${BATCH.toLocaleString('en-US')} one after another, to one ` +
    `endpoint whose receiver answers 500 to ${FLAKY_FAIL_PERCENT} % of the attempts at random and 200 to ` +
    "the others. The receiver counts a request as out of order when its key's previous event has not " +
    'been answered 200 yet, or when it goes back to an earlier one. `HOOKLINE_RETRY_SCHEDULE` is 20 × ' +
    "200 ms, so a failed delivery holds its key for 200 ms instead of the default schedule's minute. The " +
    'rate is deliveries answered 200 ÷ (last receipt − first publish). Ordered: the endpoint has ' +
    '`ordered: true` and every event its `orderingKey`; unordered: the same without `ordered` (its ' +
    'out-of-order count shows what the check sees without it). Each on a fresh SQLite deployment; one ' +
    'run.',
  // One run: both variants publish a hundred thousand events, and the comparison is within the run.
  runs: () => 1,
  estimateMs: (options) => (options.quick ? 20_000 : 75_000),
  async run(ctx) {
    const orderedFirst = ctx.runIndex % 2 === 0;
    const first = await runVariant(ctx, orderedFirst);
    const second = await runVariant(ctx, !orderedFirst);
    const ordered = orderedFirst ? first : second;
    const unordered = orderedFirst ? second : first;
    return {
      measurements: [
        {
          key: 'ordered.outOfOrder',
          label: 'ordered: out-of-order receipts',
          unit: 'count',
          value: ordered.outOfOrder,
          target: { op: '<=', value: 0 },
        },
        {
          key: 'ordered.perSecond',
          label: 'ordered: delivered',
          unit: 'deliveries/s',
          value: ordered.perSecond,
          comparesToCeiling: true,
        },
        {
          key: 'unordered.perSecond',
          label: 'unordered: delivered',
          unit: 'deliveries/s',
          value: unordered.perSecond,
          comparesToCeiling: true,
        },
        {
          key: 'orderedShare',
          label: 'ordered ÷ unordered',
          unit: '%',
          value: (100 * ordered.perSecond) / unordered.perSecond,
        },
        {
          key: 'unordered.outOfOrder',
          label: 'unordered: out-of-order receipts (what the check sees without ordering)',
          unit: 'count',
          value: unordered.outOfOrder,
        },
        {
          key: 'missing',
          label: 'deliveries missing (both)',
          unit: 'count',
          value: ordered.missing + unordered.missing,
          target: { op: '<=', value: 0 },
        },
        {
          key: 'invalidSignatures',
          label: 'invalid signatures (both)',
          unit: 'count',
          value: ordered.invalidSignatures + unordered.invalidSignatures,
          target: { op: '<=', value: 0 },
        },
      ],
      notes: [
        `the receiver answered 500 ${ordered.failedAnswers} times (ordered) and ${unordered.failedAnswers} times (unordered)`,
      ],
    };
  },
};
