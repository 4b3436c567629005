// What the attempt log keeps of each exchange: the request headers and body exactly as the receiver got
// them (a Standard Webhooks library verifies the logged signature over the logged body), credentials
// redacted, and the response headers as the receiver sent them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from './support/test-server.ts';

interface LoggedAttempt {
  statusCode: number | null;
  requestHeaders: Record<string, string> | null;
  requestBody: string | null;
  requestBodyTruncated: boolean;
  responseHeaders: Record<string, string> | null;
}

async function attemptsOf(ts: TestServer, accountId: string, deliveryId: string, count: number) {
  return waitFor(
    async () => {
      const response = await ts.api.call('GET', `/v1/accounts/${accountId}/deliveries/${deliveryId}`);
      const attempts = response.body.attempts as LoggedAttempt[];
      return attempts.length >= count && attempts;
    },
    { what: `${count} attempts of ${deliveryId}` },
  );
}

describe('the attempt log', () => {
  const receivers: Receiver[] = [];
  const servers: TestServer[] = [];

  async function server(env: Record<string, string> = {}) {
    const ts = await startTestServer(env);
    servers.push(ts);
    await ts.registerEventTypes('attempt.log', 'attempt.unanswered', 'attempt.form');
    return { ts, accountId: (await ts.createAccount()).id };
  }

  async function receiver() {
    const r = await startReceiver();
    receivers.push(r);
    return r;
  }

  after(async () => {
    for (const r of receivers) await r.close();
    for (const ts of servers) await ts.close();
  });

  describe('with the default settings', () => {
    let ts: TestServer;
    let accountId: string;

    before(async () => {
      ({ ts, accountId } = await server());
    });

    test('each attempt keeps the request as the receiver got it and the response headers', async () => {
      const target = await receiver();
      target.answer((index) =>
        index === 0
          ? { status: 503, headers: { 'retry-after': '0', 'x-trace': 'first', 'set-cookie': 'sid=abc' } }
          : { status: 200, headers: { 'x-trace': 'second' }, body: 'thanks' },
      );
      const created = await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
        body: {
          url: target.url,
          eventTypes: ['attempt.log'],
          headers: { Authorization: 'Bearer receiver-token', 'X-Shop-Id': 'shop-7' },
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const published = await ts.api.call('POST', `/v1/accounts/${accountId}/events`, {
        body: { type: 'attempt.log', data: { order: { id: 'ord_1', total: '9.50' } } },
      });
      const deliveryId = published.body.deliveries[0] as string;
      const attempts = await attemptsOf(ts, accountId, deliveryId, 2);

      const verifier = new Webhook(created.body.secret as string);
      for (const [index, attempt] of attempts.entries()) {
        const got = target.requests[index];
        assert.ok(got && attempt.requestHeaders && attempt.requestBody !== null);
        // The body and the signing headers are exactly those of the request the receiver got.
        assert.equal(attempt.requestBody, got.body);
        assert.equal(attempt.requestBodyTruncated, false);
        for (const name of [
          'webhook-id',
          'webhook-timestamp',
          'webhook-signature',
          'content-type',
          'user-agent',
        ]) {
          assert.equal(attempt.requestHeaders[name], got.headers[name], name);
        }
        assert.doesNotThrow(() =>
          verifier.verify(attempt.requestBody as string, attempt.requestHeaders ?? {}),
        );
        // The custom credential went out and was not logged; the other custom header was.
        assert.equal(got.headers.authorization, 'Bearer receiver-token');
        assert.equal(attempt.requestHeaders['authorization'], '[redacted]');
        assert.equal(attempt.requestHeaders['x-shop-id'], 'shop-7');
      }
      // Each attempt is signed anew: the log shows each one's own timestamp and signature.
      assert.notEqual(
        attempts[0]?.requestHeaders?.['webhook-signature'] ?? '',
        '',
        'the first attempt has a signature',
      );
      assert.equal(attempts[0]?.responseHeaders?.['x-trace'], 'first');
      assert.equal(attempts[0]?.responseHeaders?.['retry-after'], '0');
      assert.equal(attempts[0]?.responseHeaders?.['set-cookie'], '[redacted]');
      assert.equal(attempts[1]?.responseHeaders?.['x-trace'], 'second');
      assert.equal(attempts[1]?.statusCode, 200);
    });

    test('an attempt with no response keeps the request and no response headers', async () => {
      const target = await receiver();
      const url = target.url;
      await target.close();
      const created = await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
        body: { url, eventTypes: ['attempt.unanswered'] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const published = await ts.api.call('POST', `/v1/accounts/${accountId}/events`, {
        body: { type: 'attempt.unanswered', data: { order: { id: 'ord_2' } } },
      });
      const [attempt] = await attemptsOf(ts, accountId, published.body.deliveries[0] as string, 1);
      assert.equal(attempt?.statusCode, null);
      assert.equal(attempt?.responseHeaders, null);
      assert.match(attempt?.requestBody ?? '', /"ord_2"/);
      assert.equal(attempt?.requestHeaders?.['webhook-id'], published.body.id);
    });

    test('a form endpoint logs the form body it sent', async () => {
      const target = await receiver();
      const created = await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
        body: { url: target.url, eventTypes: ['attempt.form'], format: 'form' },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const published = await ts.api.call('POST', `/v1/accounts/${accountId}/events`, {
        body: { type: 'attempt.form', data: { order: { id: 'ord_3' } } },
      });
      const [attempt] = await attemptsOf(ts, accountId, published.body.deliveries[0] as string, 1);
      assert.equal(attempt?.requestHeaders?.['content-type'], 'application/x-www-form-urlencoded');
      assert.equal(attempt?.requestBody, target.requests[0]?.body);
    });
  });

  test('bodies over HOOKLINE_LOGGED_REQUEST_BODY_BYTES are cut and marked; 0 keeps none', async () => {
    for (const [cap, expected] of [
      ['40', 'cut'],
      ['0', 'none'],
    ] as const) {
      const { ts, accountId } = await server({ HOOKLINE_LOGGED_REQUEST_BODY_BYTES: cap });
      const target = await receiver();
      await ts.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
        body: { url: target.url, eventTypes: ['attempt.log'] },
      });
      const published = await ts.api.call('POST', `/v1/accounts/${accountId}/events`, {
        body: { type: 'attempt.log', data: { order: { id: 'ord_4', note: 'x'.repeat(200) } } },
      });
      const [attempt] = await attemptsOf(ts, accountId, published.body.deliveries[0] as string, 1);
      const sent = target.requests[0]?.body ?? '';
      assert.ok(sent.length > 200);
      if (expected === 'cut') {
        assert.equal(attempt?.requestBody, sent.slice(0, 40));
        assert.equal(attempt?.requestBodyTruncated, true);
      } else {
        assert.equal(attempt?.requestBody, null);
        assert.equal(attempt?.requestBodyTruncated, false);
      }
      assert.match(attempt?.requestHeaders?.['webhook-signature'] ?? '', /^v1,/);
    }
  });
});
