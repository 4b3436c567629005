/**
 * The Events screen in a real Chromium against a real Hookline and a real receiver: a merchant signed
 * in with the account's API key sees the account's events newest first, narrows them to one type,
 * opens an event on its deliveries and follows one to its page. A portal session limited to some
 * products, which may not read the whole event stream, gets a sentence instead. Checked with axe-core
 * under the server's strict content policy, at 1280 and 400 pixels wide.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { BUILTIN_EVENT_TYPES } from '../../server/src/domain/event-catalog/builtin-event-types.ts';
import { type Receiver, startReceiver } from '../../server/test/support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from '../../server/test/support/test-server.ts';
import {
  browserSkipReason,
  collectPageErrors,
  launchBrowser,
  newContext,
  seriousAxeViolations,
} from './support/browser.ts';

const SCREENS_DIR = '/tmp/screens-f';

const example = BUILTIN_EVENT_TYPES.find((t) => t.name === 'order.paid')?.example as {
  order: Record<string, unknown>;
};

describe('the Events screen', { skip: browserSkipReason() }, () => {
  let server: TestServer;
  let browser: Browser;
  let receiver: Receiver;
  let account: { id: string; apiKey: string };
  let paidId = '';
  let testId = '';

  before(async () => {
    mkdirSync(SCREENS_DIR, { recursive: true });
    server = await startTestServer();
    browser = await launchBrowser();
    receiver = await startReceiver('/hooks/all');
    account = await server.createAccount('Bakery Online');
    const base = `/v1/accounts/${account.id}`;
    const endpoint = await server.api.call('POST', `${base}/endpoints`, {
      body: { url: receiver.url, eventTypes: ['*'] },
    });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    const paid = await server.api.call('POST', `${base}/events`, {
      body: { id: 'ord_1001', type: 'order.paid', data: { order: { ...example.order, id: 'ord_1001' } } },
    });
    assert.equal(paid.status, 202, JSON.stringify(paid.body));
    paidId = paid.body.id;
    // Later, so it comes first in a list newest first.
    await new Promise((resolve) => setTimeout(resolve, 20));
    // A test sent to the endpoint: Hookline's own `hookline.test`, which platforms cannot publish.
    const hello = await server.api.call('POST', `${base}/endpoints/${endpoint.body.id}/test`);
    assert.equal(hello.status, 202, JSON.stringify(hello.body));
    testId = hello.body.eventId;
    await waitFor(() => receiver.requests.length >= 2, { what: 'two deliveries' });
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.close();
  });

  /** A page signed in with the account's API key, at a width. */
  async function signedIn(width: number) {
    const context = await newContext(browser, width);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(server.url);
    await page.getByLabel('Token').fill(account.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/settings\/webhooks$/);
    return { context, page, errors };
  }

  /** The event ids of the rows on show, top to bottom. */
  const shownIds = (page: Page) => page.locator('.events-table td.id').allInnerTexts();

  test('a merchant sees the events newest first, filters them and follows a delivery', async () => {
    const { context, page, errors } = await signedIn(1280);
    await page.getByRole('link', { name: 'Events', exact: true }).click();
    await page.waitForURL(new RegExp(`/accounts/${account.id}/events$`));
    await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
    await page.locator('.events-table td.id').first().waitFor();
    assert.deepEqual(await shownIds(page), [testId, paidId]);
    assert.equal(
      await page.getByRole('link', { name: 'Events', exact: true }).getAttribute('aria-current'),
      'page',
    );

    // One type: the filter goes into the address, and the list follows it.
    await page.getByLabel('Event type').fill('order.paid');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/\?eventType=order\.paid$/);
    await waitFor(async () => (await shownIds(page)).length === 1, { what: 'the filtered list' });
    assert.deepEqual(await shownIds(page), [paidId]);

    // A reload keeps the filter.
    await page.reload();
    await page.locator('.events-table td.id').first().waitFor();
    assert.deepEqual(await shownIds(page), [paidId]);
    assert.equal(await page.getByLabel('Event type').inputValue(), 'order.paid');

    // The event opens in place on its deliveries.
    const toggle = page.getByRole('button', { name: /^Deliveries of order\.paid at / });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const deliveries = page.getByRole('list', { name: `Deliveries of event ${paidId}` });
    await deliveries.getByText('Succeeded').waitFor();
    await deliveries.getByText(receiver.url).waitFor();
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on the Events screen');
    await page.screenshot({ path: `${SCREENS_DIR}/events-1280.png`, fullPage: true });

    const link = deliveries.getByRole('link', { name: `Open delivery to ${receiver.url}` });
    const deliveryId = /\/deliveries\/([^/?]+)$/.exec((await link.getAttribute('href')) ?? '')?.[1];
    assert.ok(deliveryId, 'the link names a delivery');
    await link.click();
    await page.waitForURL(new RegExp(`/accounts/${account.id}/deliveries/${deliveryId}$`));
    await page.getByRole('heading', { name: `Delivery ${deliveryId}`, level: 1 }).waitFor();
    assert.equal(await page.locator('.facts dd.mono').first().innerText(), paidId);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the screen fits a narrow window', async () => {
    const { context, page, errors } = await signedIn(400);
    await page.goto(`${server.url}/accounts/${account.id}/events`);
    await page.locator('.events-table td.id').first().waitFor();
    await page.getByRole('button', { name: /^Deliveries of hookline\.test at / }).click();
    await page
      .getByRole('list', { name: `Deliveries of event ${testId}` })
      .getByText('Succeeded')
      .waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    assert.equal(overflow, false, 'no sideways scrolling at 400 px');
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on the narrow Events screen');
    await page.screenshot({ path: `${SCREENS_DIR}/events-400.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a portal session of some products reads a sentence, not the event stream', async () => {
    const session = await server.api.call('POST', `/v1/accounts/${account.id}/portal-sessions`, {
      body: { scope: { productIds: ['prod_bread'] } },
    });
    assert.equal(session.status, 201, JSON.stringify(session.body));
    const context = await newContext(browser, 1280);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(session.body.url);
    await page.getByRole('link', { name: 'Deliveries', exact: true }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'Events', exact: true }).count(), 0);
    // The screen is not in its menu; an old link or a typed address still reaches it.
    await page.evaluate((path) => {
      history.pushState(null, '', path);
      dispatchEvent(new PopStateEvent('popstate'));
    }, `/accounts/${account.id}/events`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /only see the deliveries of its own webhooks/);
    assert.doesNotMatch(await alert.innerText(), /[{}]/, 'no raw JSON');
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on the refused Events screen');
    assert.deepEqual(errors, []);
    await context.close();
  });
});
