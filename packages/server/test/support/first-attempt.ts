/**
 * One event to a fresh receiver that answers as the test says, and the first attempt Hookline logged
 * for it: how the tests of deadlines and response bodies look at a single attempt.
 */
import assert from 'node:assert/strict';
import { type Receiver, type ReceiverAnswer, startReceiver } from './receiver.ts';
import { type TestServer, waitFor } from './test-server.ts';

/**
 * Sets up an endpoint for `answer` on its own receiver and returns the first attempt of one event,
 * with the delivery as it stood then and the receiver (tests that run concurrently share `receivers`,
 * so they must not look at its last entry).
 */
export async function firstAttempt(
  ts: TestServer,
  accountId: string,
  receivers: Receiver[],
  answer: ReceiverAnswer,
) {
  const target = await startReceiver();
  receivers.push(target);
  target.answer(answer);
  const type = `first.t${receivers.length}`;
  await ts.registerEventTypes(type);
  const endpoint = await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
    body: { url: target.url, eventTypes: [type] },
  });
  assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
  const published = await ts.api.call('POST', `/v1/accounts/${accountId}/events`, {
    body: { type, data: {} },
  });
  const deliveryId = published.body.deliveries[0] as string;
  const delivery = await waitFor(
    async () => {
      const response = await ts.api.call('GET', `/v1/accounts/${accountId}/deliveries/${deliveryId}`);
      return response.body.attempts.length > 0 && response.body;
    },
    { what: 'the first attempt to be recorded' },
  );
  return { ...delivery.attempts[0], delivery, receiver: target };
}
