/**
 * A portal session opened for some products reads the logs and figures of its own webhooks only:
 * their deliveries, the events owed to them and their success rates. Everything else of the account
 * is the same 404 as a missing resource, and the account's whole event stream is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BUILTIN_EVENT_TYPES } from '../src/domain/event-catalog/builtin-event-types.ts';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from './support/test-server.ts';

const example = BUILTIN_EVENT_TYPES.find((t) => t.name === 'order.paid')?.example as {
  order: Record<string, unknown> & { lines: Record<string, unknown>[] };
};

/** An `order.paid` of one product. */
function orderOf(id: string, productId: string) {
  const line = { ...example.order.lines[0], id: `${id}_line`, productId };
  return { id, type: 'order.paid', data: { order: { ...example.order, id, lines: [line] } } };
}

describe('a scoped portal session reads the logs of its own webhooks only', () => {
  let server: TestServer;
  let receiver: Receiver;
  let accountId: string;
  let token: string;
  let scopedEndpoint: string;
  let generalEndpoint: string;
  const portal = (method: 'GET' | 'POST', path: string) => server.api.call(method, path, { token });

  before(async () => {
    server = await startTestServer();
    receiver = await startReceiver();
    ({ id: accountId } = await server.createAccount('Scoped shop'));
    const base = `/v1/accounts/${accountId}`;
    const create = async (body: Record<string, unknown>) => {
      const response = await server.api.call('POST', `${base}/endpoints`, {
        body: { url: receiver.url, ...body },
      });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      return response.body.id as string;
    };
    scopedEndpoint = await create({ eventTypes: ['order.paid'], productIds: ['prod_course'] });
    generalEndpoint = await create({ eventTypes: ['order.paid'] });
    const published = await server.api.call('POST', `${base}/events/batch`, {
      body: { events: [orderOf('ord_course', 'prod_course'), orderOf('ord_book', 'prod_book')] },
    });
    assert.equal(published.status, 202, JSON.stringify(published.body));
    // Three deliveries: the course order to both webhooks, the book order to the general one.
    await waitFor(() => receiver.requests.length >= 3, { what: 'three deliveries' });
    const session = await server.api.call('POST', `${base}/portal-sessions`, {
      body: { scope: { productIds: ['prod_course'] } },
    });
    assert.equal(session.status, 201, JSON.stringify(session.body));
    token = /#token=(.+)$/.exec(session.body.url)?.[1] as string;
  });
  after(async () => {
    await receiver?.close();
    await server?.close();
  });

  test('the deliveries list holds only its webhooks’ deliveries', async () => {
    const all = await server.api.call('GET', `/v1/accounts/${accountId}/deliveries`);
    assert.equal(all.body.data.length, 3);
    const mine = await portal('GET', `/v1/accounts/${accountId}/deliveries`);
    assert.equal(mine.status, 200);
    assert.deepEqual(
      mine.body.data.map((d: { endpointId: string }) => d.endpointId),
      [scopedEndpoint],
    );
    // Asking for another webhook's deliveries by id finds nothing, rather than everything.
    const other = await portal('GET', `/v1/accounts/${accountId}/deliveries?endpointId=${generalEndpoint}`);
    assert.deepEqual(other.body.data, []);
  });

  test('another webhook’s delivery is not found, to read or to resend', async () => {
    const all = await server.api.call(
      'GET',
      `/v1/accounts/${accountId}/deliveries?endpointId=${generalEndpoint}`,
    );
    const foreign = all.body.data[0].id as string;
    const read = await portal('GET', `/v1/accounts/${accountId}/deliveries/${foreign}`);
    assert.equal(read.status, 404);
    assert.equal(read.body.code, 'not_found');
    assert.equal((await portal('POST', `/v1/accounts/${accountId}/deliveries/${foreign}/retry`)).status, 404);
    const own = await portal('GET', `/v1/accounts/${accountId}/deliveries?endpointId=${scopedEndpoint}`);
    const ownDetail = await portal('GET', `/v1/accounts/${accountId}/deliveries/${own.body.data[0].id}`);
    assert.equal(ownDetail.status, 200);
    assert.equal(ownDetail.body.attempts.length, 1);
  });

  test('an event is shown with its own deliveries, and only when one of its webhooks was owed it', async () => {
    const course = await portal('GET', `/v1/accounts/${accountId}/events/ord_course`);
    assert.equal(course.status, 200);
    assert.deepEqual(
      course.body.deliveries.map((d: { endpointId: string }) => d.endpointId),
      [scopedEndpoint],
    );
    const book = await portal('GET', `/v1/accounts/${accountId}/events/ord_book`);
    assert.equal(book.status, 404);
    assert.equal((await server.api.call('GET', `/v1/accounts/${accountId}/events/ord_book`)).status, 200);
  });

  test('the account’s whole event stream is refused', async () => {
    const events = await portal('GET', `/v1/accounts/${accountId}/events`);
    assert.equal(events.status, 403);
    assert.equal(events.body.code, 'forbidden');
  });

  test('the success figures cover its webhooks only', async () => {
    const stats = await portal('GET', `/v1/accounts/${accountId}/endpoint-stats`);
    assert.equal(stats.status, 200);
    assert.deepEqual(
      stats.body.data.map((s: { endpointId: string }) => s.endpointId),
      [scopedEndpoint],
    );
    const admin = await server.api.call('GET', `/v1/accounts/${accountId}/endpoint-stats`);
    assert.equal(admin.body.data.length, 2);
  });
});
