import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { verify } from '@hookline/receiver';
import { Webhook } from 'standardwebhooks';
import {
  generateWebhookSecret,
  WebhookSender,
  type WebhookTarget,
  webhookKey,
  webhookSignature,
} from './webhook-sender.ts';

describe("the peers' webhook signing", () => {
  test('is Standard Webhooks: the reference package and @hookline/receiver both verify it', () => {
    const secret = generateWebhookSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    const body = JSON.stringify({ id: 'evt-1', type: 'bench.delivery', data: { seq: 1, sentAt: 1 } });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'evt-1.ep_1',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': webhookSignature(webhookKey(secret), 'evt-1.ep_1', timestamp, body),
    };
    assert.match(headers['webhook-signature'], /^v1,[A-Za-z0-9+/]+=*$/);
    assert.deepEqual(new Webhook(secret).verify(body, headers), JSON.parse(body));
    assert.equal(verify(secret, headers, body).id, 'evt-1.ep_1');
    assert.equal(
      headers['webhook-signature'],
      new Webhook(secret).sign('evt-1.ep_1', new Date(timestamp * 1000), body),
    );
  });

  test('a signature under another secret does not verify', () => {
    const body = '{"id":"evt-2"}';
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'webhook-id': 'evt-2',
      'webhook-timestamp': String(timestamp),
      'webhook-signature': webhookSignature(webhookKey(generateWebhookSecret()), 'evt-2', timestamp, body),
    };
    assert.throws(() => new Webhook(generateWebhookSecret()).verify(body, headers));
  });
});

describe('WebhookSender', () => {
  const received: { url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  let status = 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(status).end('ok');
    });
  });
  let origin = '';
  const sender = new WebhookSender();

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async () => {
    await sender.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('POSTs the body signed, and resolves on a 2xx', async () => {
    const secret = generateWebhookSecret();
    const target: WebhookTarget = { url: `${origin}/e/0`, key: webhookKey(secret) };
    const body = JSON.stringify({ id: 'evt-3', type: 'bench.delivery', data: { seq: 3, sentAt: 3 } });
    status = 204;
    await sender.send(target, 'evt-3.ep_1', body);
    const got = received.at(-1)!;
    assert.equal(got.url, '/e/0');
    assert.equal(got.body, body);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.equal(verify(secret, got.headers, got.body).id, 'evt-3.ep_1');
  });

  test('throws on anything but a 2xx, so the queue retries the job', async () => {
    const target: WebhookTarget = { url: `${origin}/e/1`, key: webhookKey(generateWebhookSecret()) };
    status = 500;
    await assert.rejects(sender.send(target, 'evt-4.ep_1', '{}'), /answered 500/);
    status = 200;
  });
});
