/**
 * The merchant's screens in a real browser against a real Hookline and real receivers: Settings >
 * Webhooks (Plug&Pay's general webhooks and API key), Connections (rules per product or checkout), an
 * upsell's Advanced tab and the API keys, opened from portal links as a platform would, in English
 * and Dutch, at a desktop width and at 400 px.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { verify } from '@hookline/receiver';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type Receiver, startReceiver } from '../../server/test/support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from '../../server/test/support/test-server.ts';
import {
  browserSkipReason,
  collectPageErrors,
  launchBrowser,
  newContext,
  seriousAxeViolations,
} from './support/browser.ts';

const SCREENS_DIR = '/tmp/screens-c';

const LABEL_RECURRING = 'Trigger global webhook for direct debits and instalment payments';
const LABEL_PER_LINE = 'Trigger webhooks per order line instead of per entire order';

/** An `order.paid` of two lines, collected by direct debit: the second period of a SEPA mandate. */
function directDebitOrder(id: string) {
  return {
    type: 'order.paid',
    id,
    data: {
      order: {
        id: 'ord_1002',
        checkoutId: 'chk_main',
        plugId: null,
        upsellId: null,
        parentOrderId: null,
        currency: 'EUR',
        total: '176.00',
        customer: { id: 'cus_1', email: 'anna@example.com', name: 'Anna de Vries' },
        payment: { kind: 'direct_debit', method: 'sepa', sequence: 2 },
        lines: [
          {
            id: 'line_course',
            productId: 'prod_course',
            kind: 'main',
            name: 'Online course',
            quantity: 1,
            unitPrice: '149.00',
            total: '149.00',
          },
          {
            id: 'line_workbook',
            productId: 'prod_workbook',
            kind: 'bump',
            name: 'Workbook',
            quantity: 1,
            unitPrice: '27.00',
            total: '27.00',
          },
        ],
      },
    },
  };
}

describe('the merchant settings screens', { skip: browserSkipReason() }, () => {
  let server: TestServer;
  let browser: Browser;
  let receiver: Receiver;
  const contexts: BrowserContext[] = [];

  before(async () => {
    mkdirSync(SCREENS_DIR, { recursive: true });
    server = await startTestServer();
    browser = await launchBrowser();
    receiver = await startReceiver('/orders');
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await receiver?.close();
    await server?.close();
  });

  /** A portal link for an account, as the platform's backend asks for one (here with the admin token). */
  async function portalLink(accountId: string, body: Record<string, unknown> = {}): Promise<string> {
    const response = await server.api.call('POST', `/v1/accounts/${accountId}/portal-sessions`, { body });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body.url;
  }

  /** Opens a portal link in a fresh browser profile; resolves once the screens are there. */
  async function openPortal(url: string, width = 1280): Promise<{ page: Page; errors: string[] }> {
    const context = await newContext(browser, width);
    contexts.push(context);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(url);
    await page.locator('main#content h1').first().waitFor();
    return { page, errors };
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: `${SCREENS_DIR}/${name}.png`, fullPage: true });
  }

  async function endpointsOf(accountId: string) {
    const response = await server.api.call('GET', `/v1/accounts/${accountId}/endpoints?limit=100`);
    assert.equal(response.status, 200);
    return response.body.data as {
      id: string;
      url: string;
      eventTypes: string[];
      productIds: string[];
      checkoutIds: string[];
      upsellIds: string[];
      plugIds: string[];
      includeRecurring: boolean;
      perOrderLine: boolean;
      description: string;
    }[];
  }

  test('Settings > Webhooks: an orders webhook with both boxes ticked gets a direct debit once per order line, signed', async () => {
    const account = await server.createAccount('Academie De Vries');
    const link = await portalLink(account.id);
    const { page, errors } = await openPortal(link);
    await page.waitForURL(new RegExp(`/accounts/${account.id}/settings/webhooks$`));
    await page.getByRole('heading', { name: 'Settings > Webhooks', level: 1 }).waitFor();

    const orders = page.getByRole('group', { name: 'Orders', exact: true });
    const cancellations = page.getByRole('group', { name: 'Cancellations', exact: true });
    const cancellationsUrl = receiver.url.replace('/orders', '/cancellations');
    await orders.getByLabel('Webhook URL', { exact: true }).fill(receiver.url);
    await orders.getByLabel(LABEL_RECURRING, { exact: true }).check();
    await orders.getByLabel(LABEL_PER_LINE, { exact: true }).check();
    await cancellations.getByLabel('Webhook URL', { exact: true }).fill(cancellationsUrl);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Your webhooks are saved.').waitFor();
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'settings-webhooks-1280');

    // The page made two ordinary endpoints, as the API shows them.
    const endpoints = await endpointsOf(account.id);
    assert.equal(endpoints.length, 2);
    const ordersEndpoint = endpoints.find((e) => e.url === receiver.url);
    const cancellationsEndpoint = endpoints.find((e) => e.url === cancellationsUrl);
    assert.ok(ordersEndpoint && cancellationsEndpoint);
    assert.deepEqual(ordersEndpoint.eventTypes, ['order.paid']);
    assert.equal(ordersEndpoint.includeRecurring, true);
    assert.equal(ordersEndpoint.perOrderLine, true);
    assert.equal(ordersEndpoint.description, 'Orders (Settings > Webhooks)');
    assert.deepEqual(ordersEndpoint.productIds, []);
    assert.deepEqual([...cancellationsEndpoint.eventTypes].sort(), [
      'subscription.cancelled',
      'subscription.ended',
    ]);

    // The platform publishes the second direct debit of an order of two lines.
    const published = await server.api.call('POST', `/v1/accounts/${account.id}/events`, {
      body: directDebitOrder('order-1002-debit-2'),
    });
    assert.equal(published.status, 202, JSON.stringify(published.body));
    const received = await waitFor(
      () => {
        const got = receiver.requests.filter((r) => r.path === '/orders');
        return got.length >= 2 && got;
      },
      { what: 'two deliveries, one per order line' },
    );
    assert.equal(received.length, 2);
    const secret = await server.api.call(
      'GET',
      `/v1/accounts/${account.id}/endpoints/${ordersEndpoint.id}/secret`,
    );
    const lines = received.map((request) => {
      const { payload } = verify(secret.body.secret, request.headers, request.body) as {
        payload: { type: string; data: { order: { id: string; line: { id: string } } } };
      };
      assert.equal(payload.type, 'order.paid');
      assert.equal(payload.data.order.id, 'ord_1002');
      return payload.data.order.line.id;
    });
    assert.deepEqual(lines.sort(), ['line_course', 'line_workbook']);

    // Opened again, the page shows what is stored. (The portal's token lives in the page's memory
    // only, so a reload would sign out; the platform's link opens it again.)
    await page.goto(link);
    await orders.getByLabel('Webhook URL', { exact: true }).waitFor();
    await waitFor(
      async () => (await orders.getByLabel('Webhook URL', { exact: true }).inputValue()) === receiver.url,
    );
    assert.equal(await orders.getByLabel(LABEL_RECURRING, { exact: true }).isChecked(), true);
    assert.equal(await orders.getByLabel(LABEL_PER_LINE, { exact: true }).isChecked(), true);
    assert.equal(
      await cancellations.getByLabel('Webhook URL', { exact: true }).inputValue(),
      cancellationsUrl,
    );

    // Emptying the cancellations URL deletes that webhook, and only that one.
    await cancellations.getByLabel('Webhook URL', { exact: true }).fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Your webhooks are saved.').waitFor();
    const left = await endpointsOf(account.id);
    assert.deepEqual(
      left.map((e) => e.id),
      [ordersEndpoint.id],
    );
    assert.deepEqual(errors, []);

    const narrow = await openPortal(await portalLink(account.id), 400);
    await narrow.page.getByRole('group', { name: 'Orders', exact: true }).getByLabel('Webhook URL').waitFor();
    assert.deepEqual(await seriousAxeViolations(narrow.page), []);
    await screenshot(narrow.page, 'settings-webhooks-400');
    assert.deepEqual(narrow.errors, []);
  });

  test('Settings > Webhooks: the 11th URL and a bad URL are refused beside the Orders field, which keeps what was typed', async () => {
    const account = await server.createAccount('Tiende Winkel');
    // Ten URLs receive already (other events, so none of them is the orders webhook).
    for (let i = 1; i <= 10; i++) {
      const created = await server.api.call('POST', `/v1/accounts/${account.id}/endpoints`, {
        body: { url: `http://127.0.0.1:9/other-${i}`, eventTypes: ['product.updated'] },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
    }
    const { page, errors } = await openPortal(await portalLink(account.id));
    const orders = page.getByRole('group', { name: 'Orders', exact: true });
    const ordersUrl = orders.getByLabel('Webhook URL', { exact: true });
    await ordersUrl.fill('http://127.0.0.1:9/eleventh');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const limitMessage = orders.getByText('This account may have at most 10 URLs receiving at once.');
    await limitMessage.waitFor();
    assert.equal(await ordersUrl.inputValue(), 'http://127.0.0.1:9/eleventh');
    assert.equal(await ordersUrl.getAttribute('aria-invalid'), 'true');
    assert.match((await ordersUrl.getAttribute('aria-describedby')) ?? '', /orders-url-error/);
    assert.match((await page.locator('#orders-url-error').textContent()) ?? '', /at most 10 URLs/);
    // The message is the sentence, never the problem's JSON.
    assert.doesNotMatch((await page.locator('main').textContent()) ?? '', /active_url_limit|"code"/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'settings-webhooks-limit-1280');
    assert.equal((await endpointsOf(account.id)).length, 10);

    await ordersUrl.fill('not a url');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await orders.getByText('Enter a full web address starting with https://').waitFor();
    assert.equal(await ordersUrl.inputValue(), 'not a url');
    assert.equal(await limitMessage.count(), 0);
    await screenshot(page, 'settings-webhooks-bad-url-1280');
    assert.deepEqual(errors, []);
  });

  test('Settings > Webhooks: the API key made there is shown once, copies, and works as a bearer token', async () => {
    const account = await server.createAccount('Sleutelwinkel');
    const link = await portalLink(account.id);
    const { page, errors } = await openPortal(link);
    await page.getByRole('heading', { name: 'API key', exact: true }).waitFor();
    // The account's first key is listed by its prefix only.
    const firstPrefix = (await server.api.call('GET', `/v1/accounts/${account.id}/api-keys`)).body.data[0]
      .prefix;
    await page.getByText(`${firstPrefix}…`).waitFor();
    await page.getByRole('button', { name: 'Create API key', exact: true }).click();
    const keyField = page.getByLabel('API key', { exact: true });
    await keyField.waitFor();
    const key = await keyField.inputValue();
    assert.ok(key.length > 20);
    assert.equal(await keyField.getAttribute('readonly'), '');
    await page.getByText('This key is shown only once.').waitFor();
    await page.getByRole('button', { name: 'Copy: API key' }).click();
    await page.getByRole('button', { name: 'Copied: API key' }).waitFor();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), key);
    const whoami = await server.api.call('GET', '/v1/whoami', { token: key });
    assert.equal(whoami.status, 200);
    assert.equal(whoami.body.accountId, account.id);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'settings-webhooks-api-key-1280');
    // Gone when the page is opened again: only its prefix is left.
    await page.goto(link);
    await page.getByRole('button', { name: 'Create API key', exact: true }).waitFor();
    assert.equal(await page.getByLabel('API key', { exact: true }).count(), 0);
    await page.getByText(`${key.slice(0, 10)}…`).waitFor();
    assert.deepEqual(errors, []);
  });

  test('API keys: create, roll with a grace period, and revoke', async () => {
    const account = await server.createAccount('Rolwinkel');
    const { page, errors } = await openPortal(await portalLink(account.id));
    await page.getByRole('link', { name: 'API keys', exact: true }).click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await page.getByRole('cell', { name: 'Default' }).waitFor();

    // Create: the name is required, then the key is shown once.
    await page.getByRole('button', { name: 'Create API key', exact: true }).click();
    await page.getByText('Enter a name for the key.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Zapier');
    await page.getByRole('button', { name: 'Create API key', exact: true }).click();
    const created = page.getByLabel('API key', { exact: true });
    await created.waitFor();
    const zapierKey = await created.inputValue();
    assert.equal((await server.api.call('GET', '/v1/whoami', { token: zapierKey })).status, 200);
    await page.getByRole('cell', { name: 'Zapier' }).waitFor();
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'api-keys-1280');

    // Roll with an hour's grace: both keys work for now.
    const zapierRow = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Zapier' }) });
    await zapierRow.getByRole('button', { name: 'Roll' }).click();
    const rollDialog = page.getByRole('dialog', { name: 'Roll API key' });
    const grace = rollDialog.getByLabel('Grace period', { exact: true });
    assert.equal(await grace.inputValue(), '86400');
    await grace.selectOption({ label: '1 hour' });
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'api-keys-roll-1280');
    await rollDialog.getByRole('button', { name: 'Roll key' }).click();
    const rolledField = rollDialog.getByLabel('API key', { exact: true });
    await rolledField.waitFor();
    const rolledKey = await rolledField.inputValue();
    assert.notEqual(rolledKey, zapierKey);
    await rollDialog.getByText('The old key works until').waitFor();
    assert.equal((await server.api.call('GET', '/v1/whoami', { token: rolledKey })).status, 200);
    assert.equal((await server.api.call('GET', '/v1/whoami', { token: zapierKey })).status, 200);
    await rollDialog.getByRole('button', { name: 'Done' }).click();
    await rollDialog.waitFor({ state: 'hidden' });
    // The old key shows when it stops working, and cannot be rolled again.
    const listed = (await server.api.call('GET', `/v1/accounts/${account.id}/api-keys`)).body.data as {
      name: string;
      expiresAt: string | null;
    }[];
    assert.equal(listed.filter((k) => k.name === 'Zapier').length, 2);
    await waitFor(async () => (await page.getByRole('row').filter({ hasText: 'Zapier' }).count()) === 2);
    await waitFor(
      async () =>
        (await page
          .getByRole('row')
          .filter({ hasText: 'Zapier' })
          .getByRole('button', { name: 'Roll' })
          .count()) === 1,
    );

    // Revoke the new key: it stops working at once.
    const newRow = page.getByRole('row').filter({ hasText: 'Zapier' }).filter({ hasText: 'Does not expire' });
    await newRow.getByRole('button', { name: 'Revoke' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke API key' });
    await confirm.getByText(`(${rolledKey.slice(0, 10)}…)`).waitFor();
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('The key is revoked.').waitFor();
    assert.equal((await server.api.call('GET', '/v1/whoami', { token: rolledKey })).status, 401);

    const narrow = await openPortal(await portalLink(account.id), 400);
    await narrow.page.getByRole('link', { name: 'API keys', exact: true }).click();
    await narrow.page.getByRole('cell', { name: 'Default' }).waitFor();
    assert.deepEqual(await seriousAxeViolations(narrow.page), []);
    await screenshot(narrow.page, 'api-keys-400');
    assert.deepEqual([...errors, ...narrow.errors], []);
  });

  test("Connections: a scoped session's Add rule creates a webhook with the session's scope", async () => {
    const account = await server.createAccount('Productwinkel');
    const { page, errors } = await openPortal(
      await portalLink(account.id, { scope: { productIds: ['prod_4Tn8Wq2ZcK'] } }),
    );
    await page.waitForURL(new RegExp(`/accounts/${account.id}/connections$`));
    await page.getByRole('heading', { name: 'Connections', level: 1 }).waitFor();
    await page.getByText('There are no rules yet.').waitFor();
    await page.getByRole('button', { name: 'Add rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add rule' });
    await dialog.waitFor();
    // The session's scope is the rule's: nothing to fill in.
    assert.equal(await dialog.getByLabel('Product ids').count(), 0);
    await dialog.getByLabel('order.paid', { exact: true }).waitFor();
    assert.equal(await dialog.getByLabel('order.paid', { exact: true }).isChecked(), true);
    const ruleUrl = receiver.url.replace('/orders', '/masterclass');
    await dialog.getByLabel('Webhook URL', { exact: true }).fill(ruleUrl);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'connections-add-rule-1280');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await page.getByText('The rule is created.').waitFor();
    await page.getByRole('cell', { name: ruleUrl }).waitFor();
    await page.getByText('Products: prod_4Tn8Wq2ZcK').first().waitFor();

    const endpoints = await endpointsOf(account.id);
    assert.equal(endpoints.length, 1);
    assert.equal(endpoints[0]?.url, ruleUrl);
    assert.deepEqual(endpoints[0]?.productIds, ['prod_4Tn8Wq2ZcK']);
    assert.deepEqual(endpoints[0]?.eventTypes, ['order.paid']);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'connections-1280');

    const narrow = await openPortal(
      await portalLink(account.id, { scope: { productIds: ['prod_4Tn8Wq2ZcK'] } }),
      400,
    );
    await narrow.page.getByRole('cell', { name: ruleUrl }).waitFor();
    assert.deepEqual(await seriousAxeViolations(narrow.page), []);
    await screenshot(narrow.page, 'connections-400');

    // Delete, after a confirmation.
    await page.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete rule' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('The rule is deleted.').waitFor();
    assert.equal((await endpointsOf(account.id)).length, 0);
    assert.deepEqual([...errors, ...narrow.errors], []);
  });

  test('Connections: a session of the whole account names the products or checkouts of a rule', async () => {
    const account = await server.createAccount('Checkoutwinkel');
    const { page, errors } = await openPortal(await portalLink(account.id));
    await page.getByRole('link', { name: 'Connections', exact: true }).click();
    await page.getByRole('button', { name: 'Add rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add rule' });
    await dialog.getByLabel('Webhook URL', { exact: true }).fill('http://127.0.0.1:9/spring');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    // A rule without a product or checkout would be the general webhook: said at once, beside the field.
    await dialog.getByText('Enter at least one product id or checkout id').waitFor();
    assert.equal(
      await dialog.getByLabel('Product ids', { exact: true }).getAttribute('aria-invalid'),
      'true',
    );
    await dialog.getByLabel('Checkout ids', { exact: true }).fill('chk_5Wm2Ps8DqL, chk_1Rw6Jn9FzU,');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await page.getByText('The rule is created.').waitFor();
    const endpoints = await endpointsOf(account.id);
    assert.deepEqual(endpoints[0]?.checkoutIds, ['chk_5Wm2Ps8DqL', 'chk_1Rw6Jn9FzU']);
    assert.deepEqual(endpoints[0]?.productIds, []);
    // A general webhook is not a rule: it does not show here.
    await server.api.call('POST', `/v1/accounts/${account.id}/endpoints`, {
      body: { url: 'http://127.0.0.1:9/general', eventTypes: ['order.paid'] },
    });
    await page.getByRole('link', { name: 'Settings > Webhooks', exact: true }).click();
    await page.getByRole('link', { name: 'Connections', exact: true }).click();
    await page.getByRole('cell', { name: 'http://127.0.0.1:9/spring' }).waitFor();
    assert.equal(await page.getByRole('cell', { name: 'http://127.0.0.1:9/general' }).count(), 0);
    assert.deepEqual(errors, []);
  });

  test("Upsell: the Advanced tab's Webhook URL creates, then removes, the upsell's webhook", async () => {
    const account = await server.createAccount('Upsellwinkel');
    const link = await portalLink(account.id, { scope: { upsellIds: ['ups_8Mc5Qz1TnG'] } });
    const { page, errors } = await openPortal(link);
    await page.waitForURL(new RegExp(`/accounts/${account.id}/upsell$`));
    await page.getByRole('heading', { name: 'Advanced', level: 2 }).waitFor();
    assert.equal(await page.getByLabel('Upsell id').count(), 0);
    const url = page.getByLabel('Webhook URL', { exact: true });
    await url.fill('http://127.0.0.1:9/strategy-session');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('The webhook is saved.').waitFor();
    const [endpoint] = await endpointsOf(account.id);
    assert.deepEqual(endpoint?.upsellIds, ['ups_8Mc5Qz1TnG']);
    assert.deepEqual(endpoint?.productIds, []);
    assert.deepEqual(endpoint?.eventTypes, ['order.paid']);
    assert.equal(endpoint?.url, 'http://127.0.0.1:9/strategy-session');
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'upsell-1280');

    const narrow = await openPortal(link, 400);
    await waitFor(async () => (await narrow.page.getByLabel('Webhook URL').inputValue()) !== '');
    assert.deepEqual(await seriousAxeViolations(narrow.page), []);
    await screenshot(narrow.page, 'upsell-400');

    await url.fill('');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('The webhook is removed.').waitFor();
    assert.equal((await endpointsOf(account.id)).length, 0);
    assert.deepEqual([...errors, ...narrow.errors], []);
  });

  test('Upsell: a session of the whole account first names the upsell', async () => {
    const account = await server.createAccount('Upsellbeheer');
    // Signed in with the account's API key (kept for the tab), a screen's address opens that screen.
    const context = await newContext(browser);
    contexts.push(context);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(server.url);
    await page.getByLabel('Token').fill(account.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/settings\/webhooks$/);
    await page.goto(`${server.url}/accounts/${account.id}/upsell`);
    const upsellId = page.getByLabel('Upsell id', { exact: true });
    await upsellId.waitFor();
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByText('Enter the id of the upsell.').waitFor();
    await upsellId.fill('ups_2Vb7Kd4RfJ');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByText('Upsell ups_2Vb7Kd4RfJ').waitFor();
    await page.getByLabel('Webhook URL', { exact: true }).fill('not a url');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Enter a full web address starting with https://').waitFor();
    assert.equal(await page.getByLabel('Webhook URL', { exact: true }).inputValue(), 'not a url');
    await page.getByLabel('Webhook URL', { exact: true }).fill('http://127.0.0.1:9/cookbook-upsell');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('The webhook is saved.').waitFor();
    const [endpoint] = await endpointsOf(account.id);
    assert.deepEqual(endpoint?.upsellIds, ['ups_2Vb7Kd4RfJ']);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'upsell-choose-1280');
    assert.deepEqual(errors, []);
  });

  test('in Dutch, the screens speak as Plug&Pay’s Dutch help pages do', async () => {
    const account = await server.createAccount('Bakkerij Jansen');
    const { page, errors } = await openPortal(await portalLink(account.id, { locale: 'nl' }));
    await page.getByRole('heading', { name: 'Instellingen > Webhooks', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'API-sleutel', exact: true }).waitFor();
    await page.getByRole('button', { name: 'API-sleutel aanmaken' }).waitFor();
    const orders = page.getByRole('group', { name: 'Bestellingen', exact: true });
    await orders.getByLabel('Webhook URL', { exact: true }).waitFor();
    await orders
      .getByLabel("Globale webhook ook aanroepen bij automatische incasso's en termijnbetalingen", {
        exact: true,
      })
      .waitFor();
    await orders
      .getByLabel('Webhooks aanroepen per orderregel in plaats van per hele order', { exact: true })
      .waitFor();
    await page.getByRole('group', { name: 'Opzeggingen', exact: true }).getByLabel('Webhook URL').waitFor();
    await page.getByRole('button', { name: 'Opslaan', exact: true }).waitFor();
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'settings-webhooks-nl-1280');

    await page.getByRole('link', { name: 'Koppelingen' }).click();
    await page.getByRole('heading', { name: 'Koppelingen', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Regel toevoegen' }).click();
    const dialog = page.getByRole('dialog', { name: 'Regel toevoegen' });
    await dialog.getByRole('button', { name: 'Regel aanmaken' }).waitFor();
    await dialog.getByLabel("Product-id's", { exact: true }).waitFor();
    await screenshot(page, 'connections-nl-1280');
    await dialog.getByRole('button', { name: 'Annuleren' }).click();

    await page.getByRole('link', { name: 'API-sleutels' }).click();
    await page.getByRole('heading', { name: 'API-sleutels', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'API-sleutel aanmaken' }).waitFor();
    await screenshot(page, 'api-keys-nl-1280');

    const upsell = await openPortal(
      await portalLink(account.id, { locale: 'nl', scope: { upsellIds: ['ups_8Mc5Qz1TnG'] } }),
      400,
    );
    await upsell.page.getByRole('heading', { name: 'Geavanceerd', level: 2 }).waitFor();
    await upsell.page.getByLabel('Webhook URL', { exact: true }).waitFor();
    await upsell.page.getByRole('button', { name: 'Opslaan', exact: true }).waitFor();
    assert.deepEqual(await seriousAxeViolations(upsell.page), []);
    await screenshot(upsell.page, 'upsell-nl-400');
    assert.deepEqual([...errors, ...upsell.errors], []);
  });
});
