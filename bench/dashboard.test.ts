import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assetUrlsOf } from './dashboard-client.ts';
import {
  DASHBOARD_VARIANTS,
  dashboardVariantOrder,
  deliveriesCalls,
  furtherCalls,
  kilobytes,
  middleWindow,
  PAGE_SIZE,
  percentOf,
  windowShare,
} from './scenarios/b10-dashboard.ts';

describe('assetUrlsOf', () => {
  test("finds the built page's script and stylesheet, in page order", () => {
    const page = [
      '<!doctype html>',
      '<html lang="en">',
      '  <head>',
      '    <link rel="icon" href="data:," />',
      '    <link rel="stylesheet" href="/assets/app-E3O4UX3G.css" />',
      '    <script type="module" src="/assets/app-GXVI4SI7.js"></script>',
      '  </head>',
      '  <body><div id="app"></div></body>',
      '</html>',
    ].join('\n');
    assert.deepEqual(assetUrlsOf(page), ['/assets/app-E3O4UX3G.css', '/assets/app-GXVI4SI7.js']);
  });

  test('names each file once, whatever the quotes, and drops a query or fragment', () => {
    const page =
      "<link rel='modulepreload' href='/assets/chunk-A.js?v=1'>" +
      '<script type="module" SRC = "/assets/chunk-A.js"></script>' +
      '<link rel="stylesheet" href="/assets/app.css#top">';
    assert.deepEqual(assetUrlsOf(page), ['/assets/chunk-A.js', '/assets/app.css']);
  });

  test("leaves out what is not the dashboard's files", () => {
    const page =
      '<a href="/accounts/acc_1/deliveries">Deliveries</a>' +
      '<script src="https://cdn.example.com/assets/x.js"></script>' +
      '<img src="/static/assets/logo.svg">' +
      '<p>see /assets/app.js</p>';
    assert.deepEqual(assetUrlsOf(page), []);
  });
});

describe('deliveriesCalls', () => {
  const calls = deliveriesCalls({
    accountId: 'acc_1',
    endpointId: 'ep_1',
    cursor: 'c/1+2=',
    since: '2026-12-07T00:00:00.000Z',
    until: '2026-12-07T00:01:00.000Z',
    deliveryId: 'dlv_9',
  });
  const path = (key: string) => calls.find((call) => call.key === key)?.path;

  test('one call per query of the Deliveries screen, each with a distinct key', () => {
    assert.deepEqual(
      calls.map((call) => call.key),
      ['firstPage', 'failed', 'endpoint', 'eventType', 'timeWindow', 'secondPage', 'detail'],
    );
  });

  test('lists ask for a page of PAGE_SIZE with their filter, its value encoded', () => {
    const base = '/v1/accounts/acc_1/deliveries';
    assert.equal(path('firstPage'), `${base}?limit=${PAGE_SIZE}`);
    assert.equal(path('failed'), `${base}?limit=${PAGE_SIZE}&status=failed`);
    assert.equal(path('endpoint'), `${base}?limit=${PAGE_SIZE}&endpointId=ep_1`);
    assert.equal(path('eventType'), `${base}?limit=${PAGE_SIZE}&eventType=order.paid`);
    assert.equal(
      path('timeWindow'),
      `${base}?limit=${PAGE_SIZE}&since=2026-12-07T00%3A00%3A00.000Z&until=2026-12-07T00%3A01%3A00.000Z`,
    );
    assert.equal(path('secondPage'), `${base}?limit=${PAGE_SIZE}&cursor=c%2F1%2B2%3D`);
    assert.equal(path('detail'), `${base}/dlv_9`);
  });
});

describe('furtherCalls', () => {
  test('the narrow window on the deliveries list, and the Overview figures', () => {
    const calls = furtherCalls('acc_1', { since: '2026-12-07T00:00:15Z', until: '2026-12-07T00:00:25Z' });
    assert.deepEqual(
      calls.map((call) => call.path),
      [
        `/v1/accounts/acc_1/deliveries?limit=${PAGE_SIZE}&since=2026-12-07T00%3A00%3A15Z&until=2026-12-07T00%3A00%3A25Z`,
        '/v1/stats',
      ],
    );
  });
});

describe('middleWindow', () => {
  test('centres the window between the two times', () => {
    const start = Date.parse('2026-12-07T00:00:00.000Z');
    assert.deepEqual(middleWindow(start, start + 40_000, 60_000), {
      since: '2026-12-06T23:59:50.000Z',
      until: '2026-12-07T00:00:50.000Z',
    });
  });
});

describe('windowShare', () => {
  const start = Date.parse('2026-12-07T00:00:00.000Z');

  test('the share of the publishing a window covers', () => {
    // Publishing took 90 s; the minute in its middle covers two thirds of it.
    assert.equal(windowShare(middleWindow(start, start + 90_000, 60_000), start, start + 90_000), 60 / 90);
    // Publishing took 40 s: the minute covers all of it.
    assert.equal(windowShare(middleWindow(start, start + 40_000, 60_000), start, start + 40_000), 1);
  });

  test('0 for a window outside, NaN for an empty publishing time', () => {
    const before = { since: '2026-12-06T23:00:00.000Z', until: '2026-12-06T23:01:00.000Z' };
    assert.equal(windowShare(before, start, start + 40_000), 0);
    assert.ok(Number.isNaN(windowShare(before, start, start)));
  });
});

describe('the dashboard variants', () => {
  test('alternate which goes first from run to run', () => {
    assert.deepEqual(dashboardVariantOrder(0), DASHBOARD_VARIANTS);
    assert.deepEqual(dashboardVariantOrder(1), [...DASHBOARD_VARIANTS].reverse());
    assert.deepEqual(dashboardVariantOrder(2), DASHBOARD_VARIANTS);
    assert.deepEqual(
      DASHBOARD_VARIANTS.map((v) => v.polling),
      [false, true],
    );
  });

  test('percentOf divides the rate with a dashboard by the rate without', () => {
    assert.equal(percentOf(9_500, 10_000), 95);
    assert.equal(percentOf(10_200, 10_000), 102);
    assert.ok(Number.isNaN(percentOf(9_500, 0)));
  });
});

test('kilobytes are of 1,000 bytes', () => {
  assert.equal(kilobytes(150_000), 150);
  assert.equal(kilobytes(51_234), 51.234);
});
