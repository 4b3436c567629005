/**
 * The operations routes: health, readiness, Prometheus metrics that move with the work, and the
 * OpenAPI document, which must describe every v1 route of the contract the server serves.
 */
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { type Receiver, startReceiver } from './support/receiver.ts';
import { metricSample, startTestServer, type TestServer, waitFor } from './support/test-server.ts';

let t: TestServer;
let receiver: Receiver;
let accountId: string;

async function scrape(): Promise<string> {
  const res = await t.api.call('GET', '/metrics', { token: null });
  assert.equal(res.status, 200);
  return String(res.body);
}

/** The value of one sample, e.g. `hookline_queue_depth{state="pending"}`. */
function sample(metrics: string, name: string): number {
  const value = metricSample(metrics, name);
  assert.ok(value !== undefined, `${name} is exported`);
  return value;
}

before(async () => {
  receiver = await startReceiver();
  t = await startTestServer({ HOOKLINE_RETRY_SCHEDULE: '20ms' });
  accountId = (await t.createAccount('Operations shop')).id;
  await t.registerEventTypes('metrics.ok', 'metrics.failed');
});

after(async () => {
  await receiver.close();
  await t.close();
});

describe('health', () => {
  it('answers /healthz and /readyz with 200 and no token', async () => {
    const health = await t.api.call('GET', '/healthz', { token: null });
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
    const ready = await t.api.call('GET', '/readyz', { token: null });
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ready' });
  });
});

describe('metrics', () => {
  it('is Prometheus text with the Hookline metrics', async () => {
    const res = await t.api.call('GET', '/metrics', { token: null });
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const text = String(res.body);
    for (const name of [
      'hookline_events_published_total',
      'hookline_deliveries_succeeded_total',
      'hookline_deliveries_failed_total',
      'hookline_attempt_duration_seconds',
      'hookline_queue_depth',
    ]) {
      assert.match(text, new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'), name);
    }
  });

  it('counts a publish and its successful delivery, and shows it in the queue while it is sent', async () => {
    const path = '/metrics-ok';
    const held: ServerResponse[] = [];
    receiver.answer((_index, request) =>
      request.path === path ? { raw: (_req, res) => held.push(res) } : { status: 200 },
    );
    const endpoint = await t.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
      body: { url: receiver.url.replace('/webhook', path), eventTypes: ['metrics.ok'] },
    });
    assert.equal(endpoint.status, 201);
    const before = await scrape();
    assert.equal(sample(before, 'hookline_queue_depth{state="pending"}'), 0);
    assert.equal(sample(before, 'hookline_queue_depth{state="sending"}'), 0);

    await t.api.call('POST', `/v1/accounts/${accountId}/events`, { body: { type: 'metrics.ok', data: {} } });
    // The receiver holds the request: the delivery is leased and counted as sending.
    await waitFor(async () => held.length === 1, { what: 'the request to arrive' });
    const during = await scrape();
    assert.equal(sample(during, 'hookline_queue_depth{state="sending"}'), 1);
    assert.equal(
      sample(during, 'hookline_events_published_total') - sample(before, 'hookline_events_published_total'),
      1,
    );

    for (const res of held) res.writeHead(200).end('ok');
    const afterwards = await waitFor(
      async () => {
        const text = await scrape();
        const counted =
          sample(text, 'hookline_deliveries_succeeded_total') >
          sample(before, 'hookline_deliveries_succeeded_total');
        // The attempt's result is committed a few milliseconds after it is counted.
        return counted && sample(text, 'hookline_queue_depth{state="sending"}') === 0 ? text : undefined;
      },
      { what: 'the success to be counted and committed' },
    );
    assert.equal(
      sample(afterwards, 'hookline_deliveries_succeeded_total') -
        sample(before, 'hookline_deliveries_succeeded_total'),
      1,
    );
    assert.equal(
      sample(afterwards, 'hookline_attempt_duration_seconds_count') -
        sample(before, 'hookline_attempt_duration_seconds_count'),
      1,
    );
    assert.ok(sample(afterwards, 'hookline_attempt_duration_seconds_sum') > 0);
    assert.equal(sample(afterwards, 'hookline_queue_depth{state="pending"}'), 0);
    assert.equal(
      sample(afterwards, 'hookline_deliveries_failed_total'),
      sample(before, 'hookline_deliveries_failed_total'),
    );
    receiver.answer({ status: 200 });
  });

  it('counts a delivery that used up its retries as failed', async () => {
    const path = '/metrics-failing';
    receiver.answer((_index, request) => (request.path === path ? { status: 500 } : { status: 200 }));
    await t.api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
      body: { url: receiver.url.replace('/webhook', path), eventTypes: ['metrics.failed'] },
    });
    const before = await scrape();
    await t.api.call('POST', `/v1/accounts/${accountId}/events`, {
      body: { type: 'metrics.failed', data: {} },
    });
    const afterwards = await waitFor(
      async () => {
        const text = await scrape();
        return sample(text, 'hookline_deliveries_failed_total') >
          sample(before, 'hookline_deliveries_failed_total')
          ? text
          : undefined;
      },
      { what: 'the failure to be counted' },
    );
    assert.equal(
      sample(afterwards, 'hookline_deliveries_failed_total') -
        sample(before, 'hookline_deliveries_failed_total'),
      1,
    );
    // Two attempts: the first and the one retry of the schedule.
    assert.equal(
      sample(afterwards, 'hookline_attempt_duration_seconds_count') -
        sample(before, 'hookline_attempt_duration_seconds_count'),
      2,
    );
    assert.equal(
      sample(afterwards, 'hookline_deliveries_succeeded_total'),
      sample(before, 'hookline_deliveries_succeeded_total'),
    );
    receiver.answer({ status: 200 });
  });
});

describe('OpenAPI document', () => {
  // biome-ignore lint/suspicious/noExplicitAny: a JSON document, read by paths the assertions check
  type Json = any;
  type Operation = {
    requestBody?: { content: Record<string, { schema: Record<string, Json> }> };
    responses: Record<string, Json>;
    parameters?: { in: string; name: string; required?: boolean }[];
  };
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: Record<string, Json>;
  };

  /** The v1 routes of DESIGN.md's API contract, plus the two reads the server adds. */
  const CONTRACT: [string, string][] = [
    ['POST', '/v1/accounts'],
    ['GET', '/v1/accounts'],
    ['GET', '/v1/accounts/{accountId}'],
    ['POST', '/v1/accounts/{accountId}/events'],
    ['POST', '/v1/accounts/{accountId}/events/batch'],
    ['GET', '/v1/event-types'],
    ['GET', '/v1/event-types/{name}'],
    ['POST', '/v1/accounts/{accountId}/endpoints'],
    ['GET', '/v1/accounts/{accountId}/endpoints'],
    ['GET', '/v1/accounts/{accountId}/endpoints/{endpointId}'],
    ['PATCH', '/v1/accounts/{accountId}/endpoints/{endpointId}'],
    ['DELETE', '/v1/accounts/{accountId}/endpoints/{endpointId}'],
    ['GET', '/v1/accounts/{accountId}/endpoints/{endpointId}/secret'],
    ['POST', '/v1/accounts/{accountId}/endpoints/{endpointId}/secret/rotate'],
    ['POST', '/v1/accounts/{accountId}/endpoints/{endpointId}/test'],
    ['POST', '/v1/accounts/{accountId}/endpoints/{endpointId}/recover'],
    ['GET', '/v1/accounts/{accountId}/events'],
    ['GET', '/v1/accounts/{accountId}/events/{eventId}'],
    ['GET', '/v1/accounts/{accountId}/deliveries'],
    ['GET', '/v1/accounts/{accountId}/deliveries/{deliveryId}'],
    ['POST', '/v1/accounts/{accountId}/deliveries/{deliveryId}/retry'],
  ];
  /** In DESIGN.md but not served yet; when they are, the document must list them like the rest. */
  const NOT_SERVED_YET = new Set<string>();

  before(async () => {
    const res = await t.api.call('GET', '/openapi.json', { token: null });
    assert.equal(res.status, 200);
    doc = res.body;
  });

  function operation(method: string, path: string): Operation {
    const op = doc.paths[path]?.[method.toLowerCase()];
    assert.ok(op, `${method} ${path} is documented`);
    return op;
  }

  function bodySchema(method: string, path: string): Record<string, Json> {
    const schema = operation(method, path).requestBody?.content['application/json']?.schema;
    assert.ok(schema, `${method} ${path} documents its JSON body`);
    return schema;
  }

  it('is OpenAPI 3.1 with bearer authentication', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.components['securitySchemes'].bearer, { type: 'http', scheme: 'bearer' });
  });

  it('lists every v1 route of the contract that the server serves', async () => {
    let served = 0;
    for (const [method, path] of CONTRACT) {
      // A route exists when a call to it answers anything but route_not_found (no side effects:
      // the ids do not exist and the bodies are empty).
      const concrete = path.replace(/\{[a-zA-Z]+\}/g, 'x_missing');
      const res = await t.api.call(
        method as 'GET',
        concrete,
        method === 'GET' || method === 'DELETE' ? {} : { body: {} },
      );
      const exists = res.body?.code !== 'route_not_found';
      if (!exists) {
        assert.ok(NOT_SERVED_YET.has(`${method} ${path}`), `${method} ${path} is served`);
        continue;
      }
      served++;
      const op = operation(method, path);
      const pathParams = [...path.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => m[1]);
      const documented = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      assert.deepEqual(documented.sort(), pathParams.sort(), `${method} ${path} path parameters`);
      const errors = op.responses['4XX'];
      assert.ok(errors?.content?.['application/problem+json'], `${method} ${path} documents problem details`);
    }
    assert.equal(served, CONTRACT.length - NOT_SERVED_YET.size);
  });

  it('documents the publish body: type and data required, nothing else allowed', () => {
    const schema = bodySchema('POST', '/v1/accounts/{accountId}/events');
    assert.deepEqual([...schema['required']].sort(), ['data', 'type']);
    assert.equal(schema['additionalProperties'], false);
    assert.deepEqual(Object.keys(schema['properties']).sort(), [
      'data',
      'id',
      'occurredAt',
      'orderingKey',
      'type',
    ]);
    assert.equal(schema['properties'].orderingKey.maxLength, 200);
    assert.equal(typeof schema['properties'].type.pattern, 'string');
    assert.ok(operation('POST', '/v1/accounts/{accountId}/events').responses['202']);

    const batch = bodySchema('POST', '/v1/accounts/{accountId}/events/batch');
    assert.deepEqual(batch['required'], ['events']);
    assert.equal(batch['additionalProperties'], false);
    assert.equal(batch['properties'].events.maxItems, 1000);
    assert.deepEqual([...batch['properties'].events.items.required].sort(), ['data', 'type']);
    assert.equal(batch['properties'].events.items.additionalProperties, false);
  });

  it('documents the endpoint bodies, the account body and the recover body', () => {
    const create = bodySchema('POST', '/v1/accounts/{accountId}/endpoints');
    // `url` or `urls`: which one is given is checked by the server (a schema cannot name the field).
    assert.equal(create['required'], undefined);
    assert.equal(create['additionalProperties'], false);
    const options = ['productIds', 'checkoutIds', 'upsellIds', 'plugIds', 'perOrderLine', 'includeRecurring'];
    for (const field of [
      'url',
      'urls',
      'eventTypes',
      'headers',
      'enabled',
      'secret',
      'timeoutMs',
      ...options,
      'fields',
      'format',
      'userAgent',
    ]) {
      assert.ok(create['properties'][field], `endpoint ${field}`);
    }
    const patch = bodySchema('PATCH', '/v1/accounts/{accountId}/endpoints/{endpointId}');
    assert.equal(patch['required'], undefined, 'every PATCH field is optional');
    assert.equal(patch['additionalProperties'], false);
    assert.equal(patch['properties'].secret, undefined, 'the secret changes only by rotation');

    const account = bodySchema('POST', '/v1/accounts');
    assert.deepEqual(account['required'], ['name']);
    const recover = bodySchema('POST', '/v1/accounts/{accountId}/endpoints/{endpointId}/recover');
    assert.deepEqual(recover['required'], ['since']);
    assert.equal(recover['properties'].since.format, 'date-time');
  });

  it('documents the list filters', () => {
    const query = (path: string) =>
      (operation('GET', path).parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    assert.deepEqual(query('/v1/accounts/{accountId}/deliveries').sort(), [
      'cursor',
      'endpointId',
      'eventId',
      'eventType',
      'limit',
      'since',
      'status',
      'until',
    ]);
    assert.deepEqual(query('/v1/accounts/{accountId}/events').sort(), [
      'cursor',
      'limit',
      'since',
      'type',
      'until',
    ]);
  });
});
