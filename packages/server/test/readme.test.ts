// The README's first-webhook walkthrough publishes a real `order.paid`: it must pass the catalogue's
// schema, or the first thing a new user tries answers 422.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.ts';

const README = new URL('../../../README.md', import.meta.url);

let ts: TestServer;
before(async () => {
  ts = await startTestServer();
});
after(() => ts.close());

test('the README’s publish example is accepted', async () => {
  const body = /events -d '(\{[\s\S]*?\})'\n/.exec(readFileSync(README, 'utf8'))?.[1];
  assert.ok(body, 'the README has a publish example');
  const { id } = await ts.createAccount();
  const published = await ts.api.call('POST', `/v1/accounts/${id}/events`, { rawBody: body });
  assert.equal(published.status, 202, JSON.stringify(published.body));
});
