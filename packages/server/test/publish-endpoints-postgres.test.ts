/**
 * Publishing on PostgreSQL plans deliveries with the endpoints a process last read for the account, and
 * the write checks that they did not change since (store/postgres, `endpointsToPublishTo`). Two servers
 * on one database, as two processes: what one changes, the other's next publish must deliver to.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { postgresSkip, startPostgres, type TestPostgres } from './support/postgres.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

describe('publishing while another process changes the endpoints', { skip: postgresSkip() }, () => {
  let pgsrv: TestPostgres;
  let a: TestServer;
  let b: TestServer;
  let base = '';

  before(async () => {
    pgsrv = await startPostgres();
    const env = {
      DATABASE_URL: await pgsrv.createDatabase(),
      HOOKLINE_ADMIN_TOKEN: 'postgresql-test-admin-token',
      // Nothing is delivered here: the publishes are what is looked at.
      HOOKLINE_ROLE: 'api',
    };
    a = await startTestServer(env);
    b = await startTestServer(env);
    await a.registerEventTypes('shop.order.paid');
    base = `/v1/accounts/${(await a.createAccount()).id}`;
  });

  after(async () => {
    await a?.close();
    await b?.close();
    pgsrv?.stop();
  });

  /** Publishes through `a`, one event alone or two in a batch; the endpoints of the deliveries made. */
  async function publishedTo(count: 1 | 2): Promise<string[][]> {
    const event = () => ({ type: 'shop.order.paid', data: { order: { id: 'ord_1' } } });
    const res =
      count === 1
        ? await a.api.call('POST', `${base}/events`, { body: event() })
        : await a.api.call('POST', `${base}/events/batch`, { body: { events: [event(), event()] } });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    const events: { deliveries: string[] }[] = count === 1 ? [res.body] : res.body.events;
    return Promise.all(
      events.map(async ({ deliveries }) =>
        Promise.all(
          deliveries.map(async (id) => (await a.api.call('GET', `${base}/deliveries/${id}`)).body.endpointId),
        ).then((ids) => ids.sort()),
      ),
    );
  }

  test('each publish of one process goes to the endpoints as another process left them', async () => {
    const create = async (server: TestServer) => {
      const res = await server.api.call('POST', `${base}/endpoints`, {
        body: { url: 'http://127.0.0.1:9/hook', eventTypes: ['shop.order.paid'] },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    const first = await create(a);
    assert.deepEqual(await publishedTo(1), [[first]]);

    // Created by b: a's next publishes (alone and in a batch) go to it too.
    const second = await create(b);
    const both = [first, second].sort();
    assert.deepEqual(await publishedTo(1), [both]);
    assert.deepEqual(await publishedTo(2), [both, both]);

    // Disabled by b, then deleted by b.
    const disabled = await b.api.call('PATCH', `${base}/endpoints/${first}`, { body: { enabled: false } });
    assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
    assert.deepEqual(await publishedTo(2), [[second], [second]]);
    assert.deepEqual(await publishedTo(1), [[second]]);
    assert.equal((await b.api.call('DELETE', `${base}/endpoints/${second}`)).status, 204);
    assert.deepEqual(await publishedTo(1), [[]]);
  });
});
