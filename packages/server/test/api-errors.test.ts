/**
 * Every bad input gets `application/problem+json` with a stable `code` and the offending `field`, and
 * none of it hurts the server. Runs against a server WITHOUT the loopback allowance, so the SSRF
 * guard is the production one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiResponse, startTestServer, type TestServer, waitFor } from './support/test-server.ts';

function assertProblem(res: ApiResponse, status: number, code: string, field?: string): void {
  const body = JSON.stringify(res.body);
  assert.equal(res.status, status, body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, body);
  assert.equal(res.body.code, code, body);
  assert.equal(res.body.status, status, body);
  assert.equal(res.body.type, `https://hookline.dev/errors#${code}`, body);
  assert.equal(typeof res.body.title, 'string', body);
  assert.equal(typeof res.body.detail, 'string', body);
  if (field !== undefined) assert.equal(res.body.field, field, body);
}

let t: TestServer;
let account: { id: string; apiKey: string };
let eventsPath: string;
let endpointsPath: string;
/** An endpoint on a name that never resolves (RFC 6761 `.invalid`): accepted, never delivered. */
let endpointId: string;

before(async () => {
  // No loopback allowance, and a retry schedule long enough that a failed first attempt stays pending.
  t = await startTestServer({ HOOKLINE_ALLOW_TARGETS: '', HOOKLINE_RETRY_SCHEDULE: '1h' });
  account = await t.createAccount('Errors shop');
  eventsPath = `/v1/accounts/${account.id}/events`;
  endpointsPath = `/v1/accounts/${account.id}/endpoints`;
  const created = await t.api.call('POST', endpointsPath, {
    body: { url: 'https://hooks.example.invalid/in' },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  endpointId = created.body.id;
});

after(async () => {
  await t.close();
});

describe('request bodies', () => {
  it('refuses malformed JSON with 400 invalid_json', async () => {
    for (const rawBody of [
      '{bad',
      '{"type":"shop.order.paid",',
      '[1,]',
      '{"type":"a","data":{"__proto__":{"x":1}}}',
    ]) {
      assertProblem(await t.api.call('POST', eventsPath, { rawBody }), 400, 'invalid_json', 'body');
    }
  });

  it('refuses a body that is not JSON with 415 unsupported_media_type', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await t.api.call('POST', eventsPath, {
        rawBody: 'type=order.paid',
        headers: { 'content-type': contentType },
      });
      assertProblem(res, 415, 'unsupported_media_type', 'content-type');
    }
  });

  it('accepts application/json with a charset', async () => {
    const res = await t.api.call('POST', eventsPath, {
      rawBody: '{"type":"shop.order.paid","data":{}}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
  });

  it('names an unknown field of an event, a batch entry and an endpoint', async () => {
    assertProblem(
      await t.api.call('POST', eventsPath, { body: { type: 'shop.order.paid', data: {}, colour: 'red' } }),
      422,
      'unknown_field',
      'colour',
    );
    assertProblem(
      await t.api.call('POST', `${eventsPath}/batch`, {
        body: {
          events: [
            { type: 'shop.order.paid', data: {} },
            { type: 'shop.order.paid', data: {}, extra: 1 },
          ],
        },
      }),
      422,
      'unknown_field',
      'events[1].extra',
    );
    assertProblem(
      await t.api.call('POST', endpointsPath, {
        body: { url: 'https://hooks.example.invalid/', colour: 'red' },
      }),
      422,
      'unknown_field',
      'colour',
    );
  });

  it('names a missing field: type, data, and the first missing field of an empty body', async () => {
    assertProblem(await t.api.call('POST', eventsPath, { body: { data: {} } }), 422, 'missing_field', 'type');
    assertProblem(
      await t.api.call('POST', eventsPath, { body: { type: 'shop.order.paid' } }),
      422,
      'missing_field',
      'data',
    );
    assertProblem(await t.api.call('POST', eventsPath, { rawBody: '' }), 422, 'missing_field', 'type');
    assertProblem(await t.api.call('POST', endpointsPath, { body: {} }), 422, 'missing_field', 'url');
  });

  it('refuses a body that is not an object', async () => {
    assertProblem(await t.api.call('POST', eventsPath, { body: [] }), 422, 'invalid_field', 'body');
    assertProblem(
      await t.api.call('POST', eventsPath, { body: 'shop.order.paid' }),
      422,
      'invalid_field',
      'body',
    );
  });

  it('refuses a body of null as not an object, on every kind of route with a body', async () => {
    // Not a missing body (which reads as `{}` and names the first required field): `null` was sent.
    for (const [method, path] of [
      ['POST', () => eventsPath],
      ['POST', () => `${eventsPath}/batch`],
      ['POST', () => endpointsPath],
      ['PATCH', () => `${endpointsPath}/${endpointId}`],
      ['POST', () => `${endpointsPath}/${endpointId}/secret/rotate`],
      ['POST', () => `${endpointsPath}/${endpointId}/recover`],
      ['POST', () => `/v1/accounts/${account.id}/api-keys`],
      ['POST', () => '/v1/accounts'],
    ] as const) {
      assertProblem(await t.api.call(method, path(), { rawBody: 'null' }), 422, 'invalid_field', 'body');
    }
    const endpoint = await t.api.call('GET', `${endpointsPath}/${endpointId}`);
    assert.deepEqual(endpoint.body.urls, ['https://hooks.example.invalid/in'], 'the PATCH changed nothing');
  });

  it('refuses a bad event type name, event id and occurredAt', async () => {
    for (const type of ['Order.Paid', 'order paid', 'order..paid', '.order', 'order.']) {
      assertProblem(
        await t.api.call('POST', eventsPath, { body: { type, data: {} } }),
        422,
        'invalid_field',
        'type',
      );
    }
    assertProblem(
      await t.api.call('POST', eventsPath, { body: { type: 'shop.order.paid', data: {}, id: 'has space' } }),
      422,
      'invalid_field',
      'id',
    );
    assertProblem(
      await t.api.call('POST', eventsPath, {
        body: { type: 'shop.order.paid', data: {}, occurredAt: 'yesterday' },
      }),
      422,
      'invalid_field',
      'occurredAt',
    );
    assertProblem(
      await t.api.call('POST', eventsPath, {
        body: { type: 'shop.order.paid', data: {} },
        headers: { 'idempotency-key': 'not valid' },
      }),
      422,
      'invalid_field',
      'idempotency-key',
    );
  });

  it('refuses event data nested deeper than 100 levels with 422, not a crash', async () => {
    const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    const event = (levels: number) => `{"type":"shop.order.paid","data":${nested(levels)}}`;
    assert.equal((await t.api.call('POST', eventsPath, { rawBody: event(100) })).status, 202);
    assertProblem(
      await t.api.call('POST', eventsPath, { rawBody: event(101) }),
      422,
      'invalid_field',
      'data',
    );
    // Deep enough to overflow the stack of a recursive JSON.stringify, small enough for the body limit.
    assertProblem(
      await t.api.call('POST', eventsPath, { rawBody: event(50_000) }),
      422,
      'invalid_field',
      'data',
    );
    const deepObject = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    assertProblem(
      await t.api.call('POST', `${eventsPath}/batch`, {
        rawBody: `{"events":[{"type":"shop.order.paid","data":{}},{"type":"shop.order.paid","data":${deepObject}}]}`,
      }),
      422,
      'invalid_field',
      'events[1].data',
    );
  });

  it('names the entry at fault inside a batch', async () => {
    const batch = (second: unknown) => ({
      body: { events: [{ type: 'shop.order.paid', data: {} }, second] },
    });
    const batchPath = `${eventsPath}/batch`;
    assertProblem(
      await t.api.call('POST', batchPath, batch({ data: {} })),
      422,
      'missing_field',
      'events[1].type',
    );
    assertProblem(
      await t.api.call('POST', batchPath, batch({ type: 'shop.order.paid' })),
      422,
      'missing_field',
      'events[1].data',
    );
    assertProblem(
      await t.api.call('POST', batchPath, batch({ type: 'Not A Type', data: {} })),
      422,
      'invalid_field',
      'events[1].type',
    );
    assertProblem(
      await t.api.call('POST', batchPath, { body: { events: [] } }),
      422,
      'invalid_field',
      'events',
    );
    assertProblem(await t.api.call('POST', batchPath, { body: {} }), 422, 'missing_field', 'events');
  });

  it('writes nothing when one entry of a batch is invalid', async () => {
    const before = await t.api.call('GET', `${eventsPath}?limit=250`);
    const res = await t.api.call('POST', `${eventsPath}/batch`, {
      body: {
        events: [
          { id: 'batch-atomic-1', type: 'shop.order.paid', data: {} },
          { id: 'batch-atomic-2', type: 'shop.order.paid', data: 'x'.repeat(256 * 1024 + 1) },
        ],
      },
    });
    assertProblem(res, 413, 'payload_too_large', 'events[1].data');
    const afterwards = await t.api.call('GET', `${eventsPath}?limit=250`);
    assert.equal(afterwards.body.data.length, before.body.data.length);
    assertProblem(await t.api.call('GET', `${eventsPath}/batch-atomic-1`), 404, 'not_found', 'eventId');
  });
});

describe('control characters in stored text', () => {
  // NUL cannot be stored by PostgreSQL; control characters have no place in ids and URLs. Each is a
  // clear 422 naming the field, on every store, instead of a database error.
  const nul = '\u0000';
  const cases: Array<
    [what: string, path: () => string, method: 'POST' | 'PATCH', body: unknown, field: string]
  > = [
    ['an account name', () => '/v1/accounts', 'POST', { name: `Shop${nul}` }, 'name'],
    [
      'an endpoint description',
      () => endpointsPath,
      'POST',
      { url: 'https://a.example/x', description: `x${nul}` },
      'description',
    ],
    ['a URL', () => endpointsPath, 'POST', { url: `https://a.example/x${nul}` }, 'url'],
    ['a URL with a line break', () => endpointsPath, 'POST', { url: 'https://a.example/x\ny' }, 'url'],
    [
      'a scope id',
      () => endpointsPath,
      'POST',
      { url: 'https://a.example/x', productIds: [`prod${nul}`] },
      'productIds[0]',
    ],
    [
      'a field path',
      () => endpointsPath,
      'POST',
      { url: 'https://a.example/x', fields: [`order${nul}`] },
      'fields[0]',
    ],
    [
      'a changed description',
      () => `${endpointsPath}/${endpointId}`,
      'PATCH',
      { description: `x${nul}` },
      'description',
    ],
  ];
  for (const [what, path, method, body, field] of cases) {
    it(`refuses NUL or control characters in ${what}`, async () => {
      assertProblem(await t.api.call(method, path(), { body }), 422, 'invalid_field', field);
    });
  }

  it('keeps line breaks in a description', async () => {
    const created = await t.api.call('POST', endpointsPath, {
      body: { url: 'https://a.example/x', description: 'Orders\nfor the warehouse' },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.description, 'Orders\nfor the warehouse');
  });
});

describe('event size', () => {
  const MAX = 256 * 1024;

  it('accepts data of exactly 256 KiB of JSON', async () => {
    // JSON.stringify adds the two quotes.
    const res = await t.api.call('POST', eventsPath, {
      body: { type: 'shop.order.paid', data: 'x'.repeat(MAX - 2) },
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
  });

  it('refuses one byte more with 413, by the exact data-size check (the body is within the body limit)', async () => {
    const res = await t.api.call('POST', eventsPath, {
      body: { type: 'shop.order.paid', data: 'x'.repeat(MAX - 1) },
    });
    assertProblem(res, 413, 'payload_too_large', 'data');
  });

  it('refuses multi-byte data by its size in bytes, not characters', async () => {
    // 100,000 euro signs are 300,000 bytes of UTF-8 but only 100,002 characters of JSON.
    const res = await t.api.call('POST', eventsPath, {
      body: { type: 'shop.order.paid', data: '€'.repeat(100_000) },
    });
    assertProblem(res, 413, 'payload_too_large', 'data');
  });

  it('refuses a request larger than the whole body limit with 413', async () => {
    const res = await t.api.call('POST', eventsPath, {
      body: { type: 'shop.order.paid', data: 'x'.repeat(MAX + 128 * 1024) },
    });
    assertProblem(res, 413, 'payload_too_large', 'body');
  });

  it('refuses an oversize event inside a batch, naming it', async () => {
    const res = await t.api.call('POST', `${eventsPath}/batch`, {
      body: {
        events: [
          { type: 'shop.order.paid', data: {} },
          { type: 'shop.order.paid', data: {} },
          { type: 'shop.order.paid', data: 'x'.repeat(MAX) },
        ],
      },
    });
    assertProblem(res, 413, 'payload_too_large', 'events[2].data');
  });

  describe('with HOOKLINE_MAX_EVENT_BYTES=4096', () => {
    let small: TestServer;
    let path: string;
    before(async () => {
      small = await startTestServer({ HOOKLINE_MAX_EVENT_BYTES: '4096' });
      path = `/v1/accounts/${(await small.createAccount()).id}/events`;
    });
    after(async () => {
      await small.close();
    });

    it('accepts exactly 4,096 bytes of data', async () => {
      const res = await small.api.call('POST', path, {
        body: { type: 'shop.order.paid', data: 'x'.repeat(4094) },
      });
      assert.equal(res.status, 202, JSON.stringify(res.body));
    });

    it('refuses 4,097 bytes by the data-size check', async () => {
      const res = await small.api.call('POST', path, {
        body: { type: 'shop.order.paid', data: 'x'.repeat(4095) },
      });
      assertProblem(res, 413, 'payload_too_large', 'data');
      assert.match(res.body.detail, /4096/);
    });

    it('refuses 100 KiB by the body limit (which follows the setting)', async () => {
      const res = await small.api.call('POST', path, {
        body: { type: 'shop.order.paid', data: 'x'.repeat(100 * 1024) },
      });
      assertProblem(res, 413, 'payload_too_large', 'body');
    });
  });
});

describe('endpoint URLs', () => {
  it('refuses a bad URL or scheme with 422 invalid_url on url', async () => {
    for (const url of [
      'ftp://hooks.example.com/in',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
      '/relative/path',
      'https://user:secret@hooks.example.com/in',
      'https://user@hooks.example.com/in',
      ' , ',
      'https://hooks.example.invalid/a,https://hooks.example.invalid/a',
      'https://hooks.example.invalid/a, ftp://hooks.example.com/b',
      // No host right after `//`: a URL parser reads each of these as https://hooks.example.invalid/…
      'http:///hooks.example.invalid/in',
      'https:////hooks.example.invalid/in',
      'https:/hooks.example.invalid/in',
      'https:hooks.example.invalid/in',
      'https:\\\\hooks.example.invalid\\in',
      'https://hooks.example.invalid\\in',
      'http:///x',
    ]) {
      const res = await t.api.call('POST', endpointsPath, { body: { url } });
      assertProblem(res, 422, 'invalid_url', 'url');
      assert.doesNotMatch(res.body.detail, /secret/, 'a refused URL does not echo its password');
    }
  });

  it('refuses a URL without a host after // on PATCH and for REST hooks too, changing nothing', async () => {
    assertProblem(
      await t.api.call('PATCH', `${endpointsPath}/${endpointId}`, { body: { url: 'http:///x' } }),
      422,
      'invalid_url',
      'url',
    );
    assertProblem(
      await t.api.call('PATCH', `${endpointsPath}/${endpointId}`, {
        body: { urls: ['https:hooks.example.invalid'] },
      }),
      422,
      'invalid_url',
      'urls',
    );
    assertProblem(
      await t.api.call('POST', `/v1/accounts/${account.id}/hooks`, {
        body: { target_url: 'https:///hooks.example.invalid/zap', event: 'shop.order.paid' },
      }),
      422,
      'invalid_url',
      'target_url',
    );
    const endpoint = await t.api.call('GET', `${endpointsPath}/${endpointId}`);
    assert.deepEqual(endpoint.body.urls, ['https://hooks.example.invalid/in']);
  });

  it('stores an accepted URL exactly as it was written and checked', async () => {
    // Spellings the parser changes without changing the target: the scheme's and host's case, a default port.
    const url = 'HTTPS://Hooks.Example.invalid:443/In?a=1';
    const created = await t.api.call('POST', endpointsPath, { body: { url } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.urls, [url]);
    assert.deepEqual((await t.api.call('GET', `${endpointsPath}/${created.body.id}`)).body.urls, [url]);
  });

  it('refuses an empty url as an invalid field', async () => {
    assertProblem(
      await t.api.call('POST', endpointsPath, { body: { url: '' } }),
      422,
      'invalid_field',
      'url',
    );
  });

  const BLOCKED = [
    'http://127.0.0.1/',
    'http://localhost/',
    'http://api.localhost:8080/hook',
    'http://0x7f.1/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://0.0.0.0/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://192.168.1.1/',
    'http://172.16.0.1/',
    'https://hooks.example.invalid/ok,http://10.0.0.1/second',
  ];

  it('refuses loopback, private and metadata addresses on create with 422 endpoint_url_blocked', async () => {
    for (const url of BLOCKED) {
      assertProblem(
        await t.api.call('POST', endpointsPath, { body: { url } }),
        422,
        'endpoint_url_blocked',
        'url',
      );
    }
  });

  it('refuses them on PATCH too, and leaves the endpoint as it was', async () => {
    for (const url of BLOCKED) {
      assertProblem(
        await t.api.call('PATCH', `${endpointsPath}/${endpointId}`, { body: { url } }),
        422,
        'endpoint_url_blocked',
        'url',
      );
    }
    const endpoint = await t.api.call('GET', `${endpointsPath}/${endpointId}`);
    assert.deepEqual(endpoint.body.urls, ['https://hooks.example.invalid/in']);
  });

  it('refuses reserved custom headers with 422 invalid_field naming the header', async () => {
    for (const name of ['webhook-signature', 'webhook-id', 'Content-Type', 'content-length', 'Host']) {
      const body = { url: 'https://hooks.example.invalid/', headers: { [name]: 'x' } };
      assertProblem(
        await t.api.call('POST', endpointsPath, { body }),
        422,
        'invalid_field',
        `headers.${name}`,
      );
      assertProblem(
        await t.api.call('PATCH', `${endpointsPath}/${endpointId}`, { body: { headers: { [name]: 'x' } } }),
        422,
        'invalid_field',
        `headers.${name}`,
      );
    }
    assertProblem(
      await t.api.call('POST', endpointsPath, {
        body: { url: 'https://hooks.example.invalid/', headers: { 'not a name': 'x' } },
      }),
      422,
      'invalid_field',
      'headers.not a name',
    );
    assertProblem(
      await t.api.call('POST', endpointsPath, {
        body: { url: 'https://hooks.example.invalid/', headers: { 'x-split': 'a\r\nx-injected: b' } },
      }),
      422,
      'invalid_field',
      'headers.x-split',
    );
  });

  it('refuses out-of-range settings, naming them', async () => {
    const create = (extra: Record<string, unknown>) =>
      t.api.call('POST', endpointsPath, { body: { url: 'https://hooks.example.invalid/', ...extra } });
    assertProblem(await create({ timeoutMs: 5 }), 422, 'invalid_field', 'timeoutMs');
    assertProblem(await create({ eventTypes: [] }), 422, 'invalid_field', 'eventTypes');
    assertProblem(await create({ eventTypes: ['order.paid', 'Bad'] }), 422, 'invalid_field', 'eventTypes[1]');
    assertProblem(await create({ enabled: 'yes' }), 422, 'invalid_field', 'enabled');
    assertProblem(await create({ secret: 'not-a-secret' }), 422, 'invalid_field', 'secret');
  });
});

describe('queries and paths', () => {
  it('refuses a cursor this server did not issue with 400 invalid_cursor on every list', async () => {
    for (const path of ['/v1/accounts', eventsPath, endpointsPath, `/v1/accounts/${account.id}/deliveries`]) {
      for (const cursor of ['nope', 'cDEyYQ', '']) {
        const res = await t.api.call('GET', `${path}?cursor=${cursor}`);
        assertProblem(res, 400, 'invalid_cursor', 'cursor');
      }
    }
  });

  it('refuses invalid limits and filters with 422 naming the parameter', async () => {
    const deliveries = `/v1/accounts/${account.id}/deliveries`;
    for (const limit of ['0', '-1', 'abc', '1.5', '251']) {
      assertProblem(
        await t.api.call('GET', `${endpointsPath}?limit=${limit}`),
        422,
        'invalid_field',
        'limit',
      );
      assertProblem(await t.api.call('GET', `${deliveries}?limit=${limit}`), 422, 'invalid_field', 'limit');
    }
    assertProblem(await t.api.call('GET', `${deliveries}?status=bogus`), 422, 'invalid_field', 'status');
    assertProblem(await t.api.call('GET', `${eventsPath}?type=Not%20A%20Type`), 422, 'invalid_field', 'type');
  });

  it('answers an unknown route with 404 route_not_found', async () => {
    for (const path of [
      '/v1/nope',
      '/v2/accounts',
      '/nope',
      `/v1/accounts/${account.id}/webhooks`,
      `/v1/accounts/${account.id}/endpoints/${endpointId}/secret/reveal`,
      // Bad percent-encoding and a segment longer than any id never reach a route.
      '/v1/accounts/%zz/events',
      `${eventsPath}/${'x'.repeat(200)}`,
    ]) {
      assertProblem(await t.api.call('GET', path), 404, 'route_not_found');
    }
    assertProblem(await t.api.call('DELETE', eventsPath), 404, 'route_not_found');
  });
});

describe('authentication and authorisation', () => {
  it('answers a missing or wrong token with 401 unauthorized', async () => {
    for (const path of ['/v1/accounts', endpointsPath, `/v1/accounts/${account.id}`]) {
      assertProblem(await t.api.call('GET', path, { token: null }), 401, 'unauthorized', 'authorization');
      assertProblem(
        await t.api.call('GET', path, { token: 'hk_wrong' }),
        401,
        'unauthorized',
        'authorization',
      );
      assertProblem(
        await t.api.call('GET', path, { token: null, headers: { authorization: `Basic ${account.apiKey}` } }),
        401,
        'unauthorized',
        'authorization',
      );
      assertProblem(
        await t.api.call('GET', path, { token: `${t.adminToken}x` }),
        401,
        'unauthorized',
        'authorization',
      );
    }
    const publish = await t.api.call('POST', eventsPath, {
      token: null,
      body: { type: 'shop.order.paid', data: {} },
    });
    assertProblem(publish, 401, 'unauthorized');
    assert.equal(publish.headers['www-authenticate'], 'Bearer', 'a 401 names its scheme (RFC 9110)');
  });

  it('answers an account key on an admin-only route with 403 forbidden', async () => {
    const asAccount = { token: account.apiKey };
    assertProblem(
      await t.api.call('POST', '/v1/accounts', { ...asAccount, body: { name: 'Sneaky' } }),
      403,
      'forbidden',
      'authorization',
    );
    assertProblem(await t.api.call('GET', '/v1/accounts', asAccount), 403, 'forbidden', 'authorization');
    assertProblem(
      await t.api.call('POST', eventsPath, { ...asAccount, body: { type: 'shop.order.paid', data: {} } }),
      403,
      'forbidden',
      'authorization',
    );
    assertProblem(
      await t.api.call('POST', `${eventsPath}/batch`, {
        ...asAccount,
        body: { events: [{ type: 'shop.order.paid', data: {} }] },
      }),
      403,
      'forbidden',
      'authorization',
    );
  });

  it('checks who may use the route before the input: 403 for any body or query, even a bad one', async () => {
    const asAccount = { token: account.apiKey };
    // Every route only the operator may use, each with input it would refuse from the operator.
    const adminOnly: Array<[method: 'GET' | 'POST' | 'PATCH', path: string, body?: string]> = [
      ['POST', '/v1/event-types', '{"name":"shop.sneaky"}'],
      ['POST', '/v1/accounts', '{}'],
      ['GET', '/v1/accounts?limit=abc'],
      ['GET', '/v1/accounts?cursor=forged'],
      ['PATCH', `/v1/accounts/${account.id}`, '{"maxActiveUrls":"many"}'],
      ['POST', eventsPath, '{"data":{}}'],
      ['POST', `${eventsPath}/batch`, '{"events":[]}'],
      ['POST', eventsPath, '{not json'],
      ['POST', `${eventsPath}/batch`, 'null'],
      ['GET', '/v1/stats'],
    ];
    for (const [method, path, rawBody] of adminOnly) {
      const res = await t.api.call(method, path, {
        ...asAccount,
        ...(rawBody === undefined ? {} : { rawBody }),
      });
      assertProblem(res, 403, 'forbidden', 'authorization');
    }
    // The operator gets the complaint about the input, so each case above would have failed on it.
    for (const [method, path, rawBody] of adminOnly.filter(([, p]) => p !== '/v1/stats')) {
      const res = await t.api.call(method, path, rawBody === undefined ? {} : { rawBody });
      assert.ok([400, 422].includes(res.status), `${method} ${path}: ${JSON.stringify(res.body)}`);
    }
    // A portal session may not open another, whatever it sends.
    const opened = await t.api.call('POST', `/v1/accounts/${account.id}/portal-sessions`, { body: {} });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const session = String(opened.body.url).split('#token=')[1]!;
    assertProblem(
      await t.api.call('POST', `/v1/accounts/${account.id}/portal-sessions`, {
        token: session,
        body: { expiresInSeconds: 1 },
      }),
      403,
      'forbidden',
      'authorization',
    );
  });

  it('lets the account key reach its own account', async () => {
    const res = await t.api.call('GET', `/v1/accounts/${account.id}`, { token: account.apiKey });
    assert.equal(res.status, 200);
    assert.equal(res.body.id, account.id);
  });
});

describe('state conflicts', () => {
  it('refuses to retry a delivery that is still pending with 409 delivery_in_progress', async () => {
    const published = await t.api.call('POST', eventsPath, {
      body: { type: 'shop.order.paid', data: { n: 1 } },
    });
    assert.equal(published.status, 202);
    const [deliveryId] = published.body.deliveries as string[];
    assert.ok(deliveryId, 'the endpoint gets a delivery');
    // Whether the first attempt (a DNS failure) has happened yet or not, the delivery is live for an hour.
    const retry = await t.api.call('POST', `/v1/accounts/${account.id}/deliveries/${deliveryId}/retry`);
    assertProblem(retry, 409, 'delivery_in_progress', 'deliveryId');
    const afterFirst = await waitFor(
      async () => {
        const d = await t.api.call('GET', `/v1/accounts/${account.id}/deliveries/${deliveryId}`);
        return d.body.attemptCount === 1 && d.body;
      },
      { what: 'the first attempt' },
    );
    assert.equal(afterFirst.status, 'pending');
    assert.equal(afterFirst.lastErrorCode, 'dns_failure');
    assertProblem(
      await t.api.call('POST', `/v1/accounts/${account.id}/deliveries/${deliveryId}/retry`),
      409,
      'delivery_in_progress',
      'deliveryId',
    );
  });

  it('refuses to send a test event to a disabled endpoint with 409 endpoint_disabled', async () => {
    const created = await t.api.call('POST', endpointsPath, {
      body: { url: 'https://off.example.invalid/', enabled: false },
    });
    assert.equal(created.status, 201);
    assertProblem(
      await t.api.call('POST', `${endpointsPath}/${created.body.id}/test`),
      409,
      'endpoint_disabled',
      'endpointId',
    );
  });

  it('refuses to retry or recover deliveries of a disabled or deleted endpoint with 409 endpoint_disabled', async () => {
    await t.registerEventTypes('paused.check');
    const created = await t.api.call('POST', endpointsPath, {
      body: { url: 'https://paused.example.invalid/', eventTypes: ['paused.check'] },
    });
    const path = `${endpointsPath}/${created.body.id}`;
    const published = await t.api.call('POST', eventsPath, { body: { type: 'paused.check', data: {} } });
    const deliveryIds = published.body.deliveries as string[];
    const ownDelivery = (
      await t.api.call('GET', `/v1/accounts/${account.id}/deliveries?endpointId=${created.body.id}`)
    ).body.data[0].id as string;
    assert.ok(deliveryIds.includes(ownDelivery));
    const retryPath = `/v1/accounts/${account.id}/deliveries/${ownDelivery}/retry`;

    assert.equal((await t.api.call('PATCH', path, { body: { enabled: false } })).status, 200);
    const cancelled = await t.api.call('GET', `/v1/accounts/${account.id}/deliveries/${ownDelivery}`);
    assert.equal(cancelled.body.status, 'cancelled');
    // Queued again, it would stay live for ever: the engine sends nothing to a disabled endpoint.
    assertProblem(await t.api.call('POST', retryPath), 409, 'endpoint_disabled', 'deliveryId');
    assertProblem(
      await t.api.call('POST', `${path}/recover`, { body: { since: '2000-01-01T00:00:00Z' } }),
      409,
      'endpoint_disabled',
      'endpointId',
    );
    const still = await t.api.call('GET', `/v1/accounts/${account.id}/deliveries/${ownDelivery}`);
    assert.equal(still.body.status, 'cancelled');

    assert.equal((await t.api.call('PATCH', path, { body: { enabled: true } })).status, 200);
    assert.equal((await t.api.call('POST', retryPath)).status, 202, 'enabled again, the retry is accepted');

    assert.equal((await t.api.call('DELETE', path)).status, 204);
    await waitFor(
      async () =>
        (await t.api.call('GET', `/v1/accounts/${account.id}/deliveries/${ownDelivery}`)).body.status ===
        'cancelled',
    );
    assertProblem(await t.api.call('POST', retryPath), 409, 'endpoint_disabled', 'deliveryId');
  });

  it('refuses a recover range that ends before it starts, naming the bound at fault', async () => {
    const res = await t.api.call('POST', `${endpointsPath}/${endpointId}/recover`, {
      body: { since: '2030-01-02T00:00:00Z', until: '2030-01-01T00:00:00Z' },
    });
    assertProblem(res, 422, 'invalid_field', 'until');
    assertProblem(
      await t.api.call('POST', `${endpointsPath}/${endpointId}/recover`, {
        body: { since: new Date(Date.now() + 60_000).toISOString() },
      }),
      422,
      'invalid_field',
      'since',
    );
    assertProblem(
      await t.api.call('POST', `${endpointsPath}/${endpointId}/recover`, { body: { since: 'last week' } }),
      422,
      'invalid_field',
      'since',
    );
    assertProblem(
      await t.api.call('POST', `${endpointsPath}/${endpointId}/recover`, { body: {} }),
      422,
      'missing_field',
      'since',
    );
  });
});

describe('after all of it', () => {
  it('still answers /healthz and /readyz', async () => {
    const health = await t.api.call('GET', '/healthz', { token: null });
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: 'ok' });
    assert.equal((await t.api.call('GET', '/readyz', { token: null })).status, 200);
  });
});
