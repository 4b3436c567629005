/**
 * The operator console in a real Chromium against a real Hookline: the live overview, accounts (an
 * API key shown once, the active URL limit, the account's screens, a portal link), the event
 * catalogue, and what someone without the admin token sees there. Every screen and dialog is checked
 * with axe-core at a desktop width and at 400 px, and photographed into /tmp/screens-e/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import {
  browserSkipReason,
  collectPageErrors,
  launchBrowser,
  newContext,
  seriousAxeViolations,
} from './support/browser.ts';

const SCREENSHOTS = '/tmp/screens-e';

describe('the operator console', { skip: browserSkipReason() }, () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    server = await startTestServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Signs in at `/` with a token, as a person would. */
  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(server.url);
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
  }

  /** Checks the page with axe-core and photographs it, at 1280 px and at 400 px wide. */
  async function checkAndShoot(page: Page, name: string): Promise<void> {
    for (const width of [1280, 400]) {
      await page.setViewportSize({ width, height: 860 });
      assert.deepEqual(await seriousAxeViolations(page), [], `${name} at ${width} px`);
      // Nothing sticks out sideways at 400 px: the page scrolls down only.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${name} at ${width} px is ${overflow} px too wide`);
      await page.screenshot({ path: `${SCREENSHOTS}/${name}-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 860 });
  }

  /**
   * Resolves once every named card of the overview shows a rate above zero. Polled from here rather
   * than with `waitForFunction`, which the page's policy (no eval) refuses; the expression is a
   * string, run through the debugging protocol as the policy allows.
   */
  async function waitForRates(page: Page, labels: string[], timeoutMs = 10_000): Promise<void> {
    const expression = `${JSON.stringify(labels)}.every((label) =>
      [...document.querySelectorAll('.card')].some((card) =>
        card.querySelector('.label')?.textContent === label &&
        Number(card.querySelector('.figure')?.textContent) > 0))`;
    const deadline = Date.now() + timeoutMs;
    while (!(await page.evaluate(expression))) {
      if (Date.now() > deadline) throw new Error(`no rate above zero on ${labels.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The text of the overview's card with this label. */
  const card = (page: Page, label: string) =>
    page.locator('.card', { has: page.getByText(label, { exact: true }) });

  test('the overview shows the engine’s figures, and they move when events are published', async () => {
    const account = await server.createAccount('Overzicht BV');
    // An endpoint nobody listens at: its deliveries are created, tried and fail.
    const endpoint = await server.api.call('POST', `/v1/accounts/${account.id}/endpoints`, {
      body: { url: 'http://127.0.0.1:9/hook', eventTypes: ['order.*'] },
    });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    const orderPaid = await server.api.call('GET', '/v1/event-types/order.paid');

    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, server.adminToken);
    await page.waitForURL(/\/console$/);
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    const events = card(page, 'Events per second');
    // Figures, or the reason there are none (said at once rather than after a timeout).
    await events.or(page.getByRole('alert')).first().waitFor();
    if (await page.getByRole('alert').isVisible())
      assert.fail(String(await page.getByRole('alert').textContent()));
    await events.getByText(/published since start/).waitFor();
    const before = Number(
      (await events.getByText(/published since start/).textContent())?.replace(/\D/g, ''),
    );

    // Watched from before the publishing: a rate shows for one interval only.
    const ratesMoved = waitForRates(page, ['Events per second', 'Deliveries per second']);
    for (let i = 0; i < 6; i++) {
      const published = await server.api.call('POST', `/v1/accounts/${account.id}/events`, {
        body: { type: 'order.paid', data: orderPaid.body.example },
      });
      assert.equal(published.status, 202, JSON.stringify(published.body));
    }
    await ratesMoved;
    // The totals grow by what was published.
    await events.getByText(`${before + 6} published since start`).waitFor({ timeout: 10_000 });
    // Nobody answers at the endpoint's address: its attempts fail, and the failure rate says so.
    await card(page, 'Failure rate')
      .getByText(/100% of \d+ attempts since start/)
      .waitFor({ timeout: 10_000 });
    assert.match(String(await card(page, 'Accounts').locator('.figure').textContent()), /^[1-9]\d*$/);
    await checkAndShoot(page, 'overview');

    // The figures are the operator's only.
    const refused = await server.api.call('GET', '/v1/stats', { token: account.apiKey });
    assert.equal(refused.status, 403);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('an account is created with its API key shown once, its limit changed, its screens opened', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, server.adminToken);
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.waitForURL(/\/console\/accounts$/);
    await page.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Create account', exact: true }).click();
    const create = page.getByRole('dialog', { name: 'Create account' });
    // An empty name is refused beside the field, before any request.
    await create.getByRole('button', { name: 'Create account', exact: true }).click();
    await create.getByText('Enter the merchant’s name.').waitFor();
    await checkAndShoot(page, 'accounts-create-error');
    await create.getByLabel('Name').fill('Fietsenwinkel De Ketting');
    await create.getByRole('button', { name: 'Create account', exact: true }).click();
    const keyField = create.getByLabel('API key', { exact: true });
    await keyField.waitFor();
    const apiKey = await keyField.inputValue();
    assert.ok(apiKey.length > 20, 'the key is shown');
    await create.getByRole('button', { name: 'Copy: API key' }).waitFor();
    await checkAndShoot(page, 'accounts-created');

    // The key works as a bearer token for that account.
    const whoami = await server.api.call('GET', '/v1/whoami', { token: apiKey });
    assert.equal(whoami.status, 200);
    assert.equal(whoami.body.kind, 'account');
    assert.equal(whoami.body.accountName, 'Fietsenwinkel De Ketting');
    const accountId: string = whoami.body.accountId;

    // Once the dialog is closed, the key is gone for good.
    await create.getByRole('button', { name: 'Done' }).click();
    await create.waitFor({ state: 'hidden' });
    assert.equal(await page.getByLabel('API key', { exact: true }).count(), 0);
    assert.equal(await page.getByText(apiKey).count(), 0);
    const row = page.getByRole('row').filter({ hasText: 'Fietsenwinkel De Ketting' });
    await row.waitFor();
    await checkAndShoot(page, 'accounts');

    // A limit out of range is refused beside the field, and what was typed stays.
    await row.getByRole('button', { name: 'Change limits' }).click();
    const limitDialog = page.getByRole('dialog', { name: 'Limits of Fietsenwinkel De Ketting' });
    const limit = limitDialog.getByLabel('Active URL limit', { exact: true });
    for (const bad of ['0', '100001']) {
      await limit.fill(bad);
      await limitDialog.getByRole('button', { name: 'Save' }).click();
      const message = limitDialog.locator('#account-limit-error');
      await message.getByText('Enter a whole number from 1 to 100,000').waitFor();
      assert.equal(await limit.inputValue(), bad);
      assert.equal(await limit.getAttribute('aria-invalid'), 'true');
      assert.doesNotMatch(String(await limitDialog.textContent()), /[{}]|invalid_field/);
    }
    await checkAndShoot(page, 'accounts-limit-error');
    const unchanged = await server.api.call('GET', `/v1/accounts/${accountId}`);
    assert.equal(unchanged.body.maxActiveUrls, 10);
    await limit.fill('25');
    // The account's share of attempts in flight, beside it: refused out of range the same way.
    const concurrency = limitDialog.getByLabel('Attempts in flight', { exact: true });
    assert.equal(await concurrency.inputValue(), '128');
    await concurrency.fill('0');
    await limitDialog.getByRole('button', { name: 'Save' }).click();
    await limitDialog
      .locator('#account-concurrency-error')
      .getByText('Enter a whole number from 1 to 100,000')
      .waitFor();
    assert.equal(await limit.inputValue(), '25', 'the other field keeps what was typed');
    await concurrency.fill('16');
    await limitDialog.getByRole('button', { name: 'Save' }).click();
    await page
      .getByText('The limits of Fietsenwinkel De Ketting are now 25 URLs and 16 attempts in flight.')
      .waitFor();
    await row.getByRole('cell', { name: '0 of 25 in use', exact: true }).waitFor();
    await row.getByRole('cell', { name: '16', exact: true }).waitFor();
    const changed = await server.api.call('GET', `/v1/accounts/${accountId}`);
    assert.equal(changed.body.maxActiveUrls, 25);
    assert.equal(changed.body.maxConcurrency, 16);
    // Empty goes back to the server's default.
    await row.getByRole('button', { name: 'Change limits' }).click();
    await limit.fill('');
    await concurrency.fill('');
    await limitDialog.getByRole('button', { name: 'Save' }).click();
    await page
      .getByText('The limits of Fietsenwinkel De Ketting are now 10 URLs and 128 attempts in flight.')
      .waitFor();
    const reset = await server.api.call('GET', `/v1/accounts/${accountId}`);
    assert.deepEqual([reset.body.maxActiveUrls, reset.body.maxConcurrency], [10, 128]);

    // The operator opens the account's own screens.
    await row.getByRole('link', { name: 'Open screens' }).click();
    await page.waitForURL(new RegExp(`/accounts/${accountId}/settings/webhooks$`));
    await page.getByRole('link', { name: 'Settings > Webhooks' }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a portal link opens that account's screens in another browser", async () => {
    const account = await server.createAccount('Portaal Winkel');
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, server.adminToken);
    await page.goto(`${server.url}/console/accounts`);
    const row = page.getByRole('row').filter({ hasText: 'Portaal Winkel' });
    await row.getByRole('button', { name: 'Portal link' }).click();
    const dialog = page.getByRole('dialog', { name: 'Portal link for Portaal Winkel' });
    await dialog.getByLabel('Portal language').waitFor();
    assert.equal(await dialog.getByLabel('Works for').inputValue(), '3600');
    await checkAndShoot(page, 'accounts-portal-form');
    await dialog.getByLabel('Works for').selectOption({ label: '8 hours' });
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const link = dialog.getByLabel('Link to embed', { exact: true });
    await link.waitFor();
    const url = await link.inputValue();
    assert.match(url, /\/portal#token=/);
    await dialog.getByText(/works until .+ HOOKLINE_PORTAL_FRAME_ANCESTORS/).waitFor();
    await dialog.getByRole('button', { name: 'Copy: Link to embed' }).waitFor();
    await checkAndShoot(page, 'accounts-portal-link');

    const portal = await newContext(browser);
    const portalPage = await portal.newPage();
    const portalErrors = collectPageErrors(portalPage);
    await portalPage.goto(url);
    await portalPage.waitForURL(new RegExp(`/accounts/${account.id}/`));
    await portalPage.getByText('Portaal Winkel').first().waitFor();
    // The token left the address bar, and the console is not on offer.
    assert.ok(!portalPage.url().includes('token='));
    assert.equal(await portalPage.getByRole('link', { name: 'Accounts' }).count(), 0);
    assert.deepEqual(portalErrors, []);
    await portal.close();

    // A link with ids is limited to them; an id the API refuses is named beside its field.
    await dialog.getByRole('button', { name: 'Done' }).click();
    await row.getByRole('button', { name: 'Portal link' }).click();
    const productIds = dialog.getByLabel('Product ids');
    const tooLong = `prod_4Tn8Wq2ZcK, prod_${'x'.repeat(200)}`;
    await productIds.fill(tooLong);
    await dialog.getByLabel('Portal language').selectOption('nl');
    await dialog.getByRole('button', { name: 'Create link' }).click();
    await dialog.locator('#portal-product-ids-error').getByText('each at most 200 characters long').waitFor();
    assert.equal(await productIds.inputValue(), tooLong);
    assert.equal(await dialog.getByLabel('Portal language').inputValue(), 'nl');
    await checkAndShoot(page, 'accounts-portal-error');
    await productIds.fill('prod_4Tn8Wq2ZcK, prod_6Jp3Xs9LmF');
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const scopedUrl = await dialog.getByLabel('Link to embed', { exact: true }).inputValue();
    const scopedToken = /#token=(.+)$/.exec(scopedUrl)?.[1] ?? '';
    const session = await server.api.call('GET', '/v1/portal-session', { token: scopedToken });
    assert.equal(session.status, 200);
    assert.deepEqual(session.body.scope.productIds, ['prod_4Tn8Wq2ZcK', 'prod_6Jp3Xs9LmF']);
    assert.equal(session.body.locale, 'nl');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the catalogue is grouped by family and its search finds subscription.cancelled with its schema', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, server.adminToken);
    await page.getByRole('link', { name: 'Event types' }).click();
    await page.waitForURL(/\/console\/event-types$/);
    await page.getByRole('heading', { name: /^order/, level: 2 }).waitFor();
    await page.getByRole('heading', { name: /^subscription/, level: 2 }).waitFor();
    await checkAndShoot(page, 'event-types');

    await page.getByLabel('Search').fill('subscription.cancelled');
    const entry = page.locator('li', {
      has: page.getByRole('heading', { name: 'subscription.cancelled', exact: true }),
    });
    await entry.waitFor();
    assert.equal(await page.getByRole('heading', { name: 'order.paid', exact: true }).count(), 0);
    await entry
      .locator('.event-type-text')
      .getByText(/A subscription was cancelled/)
      .waitFor();
    // The schema and example open from the keyboard.
    await entry.locator('summary').focus();
    await page.keyboard.press('Enter');
    const schema = entry.locator('pre').first();
    await schema.waitFor();
    assert.match(String(await schema.textContent()), /"properties"/);
    assert.match(String(await schema.textContent()), /"subscription"/);
    assert.match(String(await entry.locator('pre').nth(1).textContent()), /"sub_/);
    await checkAndShoot(page, 'event-types-search');

    // A platform's own name finds the type it stands for, which lists it among its aliases.
    await page.getByLabel('Search').fill('subscribe.cancelled.success');
    await entry.locator('.event-type-aliases').getByText('subscribe.cancelled.success').waitFor();
    assert.match(String(await entry.locator('.event-type-aliases').textContent()), /^Also accepted as: /);
    assert.equal(await page.locator('li.event-type-entry').count(), 1);

    await page.getByLabel('Search').fill('no such thing at all');
    await page.getByText('No event type matches “no such thing at all”.').waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('an account key or a portal session opening the console gets a readable refusal, no data', async () => {
    const account = await server.createAccount('Geen Beheer');
    const other = await server.createAccount('Ander Account');
    const portalSession = await server.api.call('POST', `/v1/accounts/${account.id}/portal-sessions`, {
      body: { locale: 'en' },
    });
    assert.equal(portalSession.status, 201, JSON.stringify(portalSession.body));
    const portalToken = /#token=(.+)$/.exec(portalSession.body.url)?.[1] ?? '';
    for (const token of [account.apiKey, portalToken]) {
      const accounts = await server.api.call('GET', '/v1/accounts', { token });
      assert.equal(accounts.status, 403);
    }

    const visit = async (page: Page, path: string) => {
      // A portal token lives in memory only, so the page moves as a link inside it would.
      await page.evaluate((target) => {
        history.pushState(null, '', target);
        dispatchEvent(new PopStateEvent('popstate'));
      }, path);
    };

    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await signIn(page, account.apiKey);
    await page.goto(`${server.url}/console/accounts`);
    const alert = page.getByRole('alert');
    await alert.getByText('This screen belongs to the operator console').waitFor();
    assert.equal(await page.getByText('Ander Account').count(), 0);
    assert.equal(await page.getByRole('table').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Create account' }).count(), 0);
    await checkAndShoot(page, 'console-refused');
    await page.goto(`${server.url}/console`);
    await alert.waitFor();
    assert.doesNotMatch(String(await alert.textContent()), /[{}]|"code"/);
    assert.equal(await page.locator('.card').count(), 0);
    assert.deepEqual(errors, []);
    await context.close();

    const portal = await newContext(browser);
    const portalPage = await portal.newPage();
    const portalErrors = collectPageErrors(portalPage);
    await portalPage.goto(portalSession.body.url);
    await portalPage.waitForURL(new RegExp(`/accounts/${account.id}/`));
    await visit(portalPage, '/console/accounts');
    await portalPage.getByRole('alert').getByText('This screen belongs to the operator console').waitFor();
    assert.equal(await portalPage.getByText(other.id).count(), 0);
    await visit(portalPage, '/console');
    await portalPage.getByRole('alert').waitFor();
    assert.doesNotMatch(String(await portalPage.getByRole('alert').textContent()), /[{}]|"code"/);
    assert.equal(await portalPage.locator('.card').count(), 0);
    assert.deepEqual(portalErrors, []);
    await portal.close();
  });
});
