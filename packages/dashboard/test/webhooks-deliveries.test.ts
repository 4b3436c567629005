/**
 * The Webhooks and Deliveries screens in a real Chromium against a real Hookline and real receivers:
 * a merchant signs in with the account's API key, adds a webhook the way Plug&Paid, InPlayer and
 * PayGate describe it, edits, switches, tests and deletes it, and follows a delivery that failed once
 * through its attempts to a resend. Every screen and dialog is checked with axe-core, at 1280 and
 * 400 pixels wide, under the server's strict content policy.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Browser, Locator, Page } from 'playwright-core';
import { type Receiver, startReceiver } from '../../server/test/support/receiver.ts';
import { startTestServer, type TestServer, waitFor } from '../../server/test/support/test-server.ts';
import {
  browserSkipReason,
  collectPageErrors,
  launchBrowser,
  newContext,
  seriousAxeViolations,
} from './support/browser.ts';

const SCREENS_DIR = '/tmp/screens-d';

describe('the Webhooks and Deliveries screens', { skip: browserSkipReason() }, () => {
  let server: TestServer;
  let browser: Browser;
  let receiver: Receiver;
  let account: { id: string; apiKey: string };
  let endpointId = '';

  before(async () => {
    mkdirSync(SCREENS_DIR, { recursive: true });
    server = await startTestServer();
    browser = await launchBrowser();
    receiver = await startReceiver('/hooks/orders');
    account = await server.createAccount('Streaming Service');
  });
  after(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.close();
  });

  const accountPath = () => `/v1/accounts/${account.id}`;
  const asAccount = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) =>
    server.api.call(method, path, { token: account.apiKey, ...(body === undefined ? {} : { body }) });

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

  /** A screenshot of the page; a dialog is shot whole, with the window as tall as the dialog. */
  async function shoot(page: Page, name: string, dialog?: Locator): Promise<void> {
    const viewport = page.viewportSize()!;
    if (dialog) {
      const height = await dialog.evaluate((element) => element.scrollHeight);
      await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height + 80) });
    }
    await page.screenshot({ path: `${SCREENS_DIR}/${name}-${viewport.width}.png`, fullPage: !dialog });
    if (dialog) await page.setViewportSize(viewport);
  }

  async function assertAccessible(page: Page, what: string): Promise<void> {
    assert.deepEqual(await seriousAxeViolations(page), [], `axe on ${what}`);
  }

  const card = (page: Page, name: string) => page.getByRole('article', { name });
  const dialog = (page: Page, name: string) => page.getByRole('dialog', { name });

  test('a merchant adds, edits, switches, tests and deletes a webhook', async () => {
    const { context, page, errors } = await signedIn(1280);
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.waitForURL(new RegExp(`/accounts/${account.id}/webhooks$`));
    await page.getByText('There are no webhooks yet').waitFor();
    await page.getByText('0 of 10 URLs receiving').waitFor();
    await assertAccessible(page, 'the empty Webhooks screen');
    await shoot(page, 'webhooks-empty');

    // The form, with a URL the API refuses: the message shows beside Endpoint URL, the text stays.
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const form = dialog(page, 'Add webhook');
    await form.waitFor();
    await form.getByLabel('Endpoint URL').fill('not a url');
    await form.getByLabel('Search events').fill('order.paid');
    await form.getByLabel('order.paid', { exact: true }).check();
    await form.getByLabel('Search events').fill('refunded');
    await form.getByLabel('order.refunded', { exact: true }).check();
    await form.getByLabel('Search events').fill('');
    await form.getByLabel('Name', { exact: true }).fill('Zapier orders');
    await form.getByRole('button', { name: 'Save' }).click();
    const urlError = form.locator('#webhook-url-error');
    await urlError.waitFor();
    assert.match(await urlError.innerText(), /Enter a full web address/);
    assert.doesNotMatch(await urlError.innerText(), /[{}]/, 'no raw JSON');
    assert.equal(await form.getByLabel('Endpoint URL').inputValue(), 'not a url');
    assert.equal(await form.getByLabel('Endpoint URL').getAttribute('aria-invalid'), 'true');
    assert.equal(await form.getByLabel('Name', { exact: true }).inputValue(), 'Zapier orders');
    assert.ok(await form.getByLabel('order.paid', { exact: true }).isChecked());
    await assertAccessible(page, 'the Add webhook dialog with an error');
    await shoot(page, 'webhook-add-error', form);

    // The rest of the form: data to include, plugs, format, User-Agent and a custom header.
    await form.getByLabel('Endpoint URL').fill(receiver.url);
    await form.getByLabel('order.id', { exact: true }).check();
    await form.getByLabel('Plugs').fill('plug_3Kd9Vn4HxA, plug_7Ps2Dk5LyV');
    await form.getByLabel('Form', { exact: true }).check();
    await form.getByLabel('Keep each subscription’s or customer’s events in order').check();
    await form.getByLabel('User-Agent').fill('PayGate - Webhooks');
    await form.getByRole('button', { name: 'Add header' }).click();
    const header = form.getByRole('group', { name: 'Header 1' });
    await header.getByLabel('Header name').fill('X-Shop-Id');
    await header.getByLabel('Header value').fill('acme-nl');
    await shoot(page, 'webhook-add-filled', form);
    await form.getByRole('button', { name: 'Save' }).click();

    // The new webhook's secret, once.
    await form.getByText('Webhook added').waitFor();
    const secretShown = await form.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    assert.match(secretShown, /^whsec_/);
    await assertAccessible(page, 'the new webhook’s secret');
    await shoot(page, 'webhook-added-secret', form);
    await form.getByRole('button', { name: 'Done' }).click();
    await form.waitFor({ state: 'hidden' });

    const listed = await asAccount('GET', `${accountPath()}/endpoints`);
    assert.equal(listed.body.data.length, 1);
    const endpoint = listed.body.data[0];
    endpointId = endpoint.id;
    assert.deepEqual(endpoint.urls, [receiver.url]);
    assert.equal(endpoint.description, 'Zapier orders');
    assert.deepEqual([...endpoint.eventTypes].sort(), ['order.paid', 'order.refunded']);
    assert.deepEqual(endpoint.fields, ['order.id']);
    assert.deepEqual(endpoint.plugIds, ['plug_3Kd9Vn4HxA', 'plug_7Ps2Dk5LyV']);
    assert.equal(endpoint.format, 'form');
    assert.equal(endpoint.ordered, true);
    assert.equal(endpoint.userAgent, 'PayGate - Webhooks');
    assert.deepEqual(endpoint.headers, { 'X-Shop-Id': 'acme-nl' });
    const secret = await asAccount('GET', `${accountPath()}/endpoints/${endpointId}/secret`);
    assert.equal(secret.body.secret, secretShown);

    const webhook = card(page, 'Zapier orders');
    await webhook.waitFor();
    await webhook.getByText('order.refunded').waitFor();
    await webhook.getByText('Enabled', { exact: true }).waitFor();
    await page.getByText('1 of 10 URLs receiving').waitFor();
    await assertAccessible(page, 'the Webhooks screen');
    await shoot(page, 'webhooks');

    // Edit: the same form, filled in.
    await webhook.getByRole('button', { name: 'Edit' }).click();
    const edit = dialog(page, 'Edit webhook');
    await edit.waitFor();
    assert.equal(await edit.getByLabel('Endpoint URL').inputValue(), receiver.url);
    assert.equal(await edit.getByLabel('User-Agent').inputValue(), 'PayGate - Webhooks');
    assert.ok(await edit.getByLabel('Form', { exact: true }).isChecked());
    assert.ok(await edit.getByLabel('Keep each subscription’s or customer’s events in order').isChecked());
    assert.ok(await edit.getByLabel('order.id', { exact: true }).isChecked());
    assert.equal(
      await edit.getByRole('group', { name: 'Header 1' }).getByLabel('Header value').inputValue(),
      'acme-nl',
    );
    // A header Hookline sets itself is refused beside its row.
    await edit.getByRole('button', { name: 'Add header' }).click();
    const second = edit.getByRole('group', { name: 'Header 2' });
    await second.getByLabel('Header name').fill('Content-Type');
    await second.getByLabel('Header value').fill('text/plain');
    await edit.getByRole('button', { name: 'Save' }).click();
    await second.getByText('Content-Type is set by Hookline').waitFor();
    await assertAccessible(page, 'the Edit webhook dialog with a header error');
    await shoot(page, 'webhook-edit-error', edit);
    await second.getByRole('button', { name: 'Remove header 2' }).click();
    await edit.getByLabel('Name', { exact: true }).fill('Zapier orders NL');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    await page.getByText('The webhook “Zapier orders NL” was saved.').waitFor();
    const edited = await asAccount('GET', `${accountPath()}/endpoints/${endpointId}`);
    assert.equal(edited.body.description, 'Zapier orders NL');
    assert.deepEqual(edited.body.headers, { 'X-Shop-Id': 'acme-nl' });
    const renamed = card(page, 'Zapier orders NL');

    // Off and on again.
    await renamed.getByRole('button', { name: 'Disable' }).click();
    await renamed.getByText('Disabled', { exact: true }).waitFor();
    await renamed.getByText('Switched off by hand.').waitFor();
    assert.equal((await asAccount('GET', `${accountPath()}/endpoints/${endpointId}`)).body.enabled, false);
    await assertAccessible(page, 'a disabled webhook');
    await shoot(page, 'webhooks-disabled');
    await renamed.getByRole('button', { name: 'Enable' }).click();
    await renamed.getByText('Enabled', { exact: true }).waitFor();
    assert.equal((await asAccount('GET', `${accountPath()}/endpoints/${endpointId}`)).body.enabled, true);

    // The secret: hidden until asked for, then rotated after a confirmation.
    await renamed.getByRole('button', { name: 'Signing secret' }).click();
    const secretDialog = dialog(page, 'Signing secret');
    await secretDialog.waitFor();
    assert.equal(await secretDialog.getByRole('textbox').count(), 0, 'hidden until asked for');
    await secretDialog.getByRole('button', { name: 'Reveal secret' }).click();
    assert.equal(
      await secretDialog.getByRole('textbox', { name: 'Signing secret' }).inputValue(),
      secretShown,
    );
    await secretDialog.getByRole('button', { name: 'Copy: Signing secret' }).waitFor();
    await assertAccessible(page, 'the secret dialog');
    await shoot(page, 'webhook-secret', secretDialog);
    await secretDialog.getByRole('button', { name: 'Rotate secret' }).click();
    const confirmRotate = dialog(page, 'Rotate the signing secret?');
    await confirmRotate.waitFor();
    await assertAccessible(page, 'the rotate confirmation');
    await shoot(page, 'webhook-rotate-confirm', confirmRotate);
    await confirmRotate.getByRole('button', { name: 'Rotate', exact: true }).click();
    await secretDialog.getByText('A new secret was made').waitFor();
    const rotated = await secretDialog.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    assert.notEqual(rotated, secretShown);
    assert.equal(
      (await asAccount('GET', `${accountPath()}/endpoints/${endpointId}/secret`)).body.secret,
      rotated,
    );
    await secretDialog.getByText('The previous secret also signs requests until').waitFor();
    await secretDialog.getByRole('button', { name: 'Close' }).click();
    await secretDialog.waitFor({ state: 'hidden' });

    // A test event reaches the receiver; the dialog says how it went and links to the delivery.
    const before = receiver.requests.length;
    await renamed.getByRole('button', { name: 'Send test event' }).click();
    const testDialog = dialog(page, 'Test event');
    await testDialog.getByText('Answered 200').waitFor();
    await waitFor(() => receiver.requests.length > before, { what: 'the test event' });
    const testRequest = receiver.requests[before]!;
    assert.match(testRequest.body, /type=hookline\.test/);
    assert.equal(testRequest.headers['user-agent'], 'PayGate - Webhooks');
    assert.equal(testRequest.headers['x-shop-id'], 'acme-nl');
    assert.match(String(testRequest.headers['content-type']), /x-www-form-urlencoded/);
    await assertAccessible(page, 'the test event dialog');
    await shoot(page, 'webhook-test', testDialog);
    await testDialog.getByRole('link', { name: /View delivery/ }).click();
    await page.waitForURL(new RegExp(`/accounts/${account.id}/deliveries/dlv_`));
    await page.getByRole('heading', { name: 'Attempt 1' }).waitFor();
    await page.goBack();
    await card(page, 'Zapier orders NL').waitFor();

    // Recover failed deliveries since a moment: none failed yet.
    await card(page, 'Zapier orders NL').getByRole('button', { name: 'Recover failed deliveries' }).click();
    const recover = dialog(page, 'Recover failed deliveries');
    await recover.getByLabel('Since').waitFor();
    assert.notEqual(await recover.getByLabel('Since').inputValue(), '');
    await recover.getByRole('button', { name: 'Recover' }).click();
    await recover.getByText('There were no failed or cancelled deliveries since then.').waitFor();
    await assertAccessible(page, 'the recover dialog');
    await shoot(page, 'webhook-recover', recover);
    await recover.getByRole('button', { name: 'Close' }).last().click();
    await recover.waitFor({ state: 'hidden' });

    // The delete confirmation; cancelled here, confirmed at 400 px below.
    await card(page, 'Zapier orders NL').getByRole('button', { name: 'Delete' }).click();
    const confirm = dialog(page, 'Delete this webhook?');
    await confirm.waitFor();
    await assertAccessible(page, 'the delete confirmation');
    await shoot(page, 'webhook-delete-confirm', confirm);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await card(page, 'Zapier orders NL').waitFor();

    assert.deepEqual(errors, []);
    await context.close();
  });

  test('a delivery that failed once shows each attempt and can be resent', async () => {
    // The receiver fails the next order request with 500, then accepts.
    let orders = 0;
    receiver.answer((_index, request) => {
      if (!request.body.includes('type=order.paid')) return { status: 200, body: 'ok' };
      orders++;
      return orders === 1
        ? { status: 500, body: 'down for maintenance' }
        : { status: 200, body: `thanks ${orders}` };
    });
    const example = (await server.api.call('GET', '/v1/event-types/order.paid')).body.example;
    const published = await server.api.call('POST', `${accountPath()}/events`, {
      body: { type: 'order.paid', data: example },
    });
    assert.equal(published.status, 202);
    const deliveryId: string = published.body.deliveries[0];
    await waitFor(
      async () =>
        (await asAccount('GET', `${accountPath()}/deliveries/${deliveryId}`)).body.status === 'succeeded',
      { what: 'the delivery to succeed after a retry' },
    );

    const { context, page, errors } = await signedIn(1280);
    await page.getByRole('link', { name: 'Deliveries', exact: true }).click();
    await page.waitForURL(new RegExp(`/accounts/${account.id}/deliveries$`));
    await page.getByRole('table').waitFor();
    await assertAccessible(page, 'the Deliveries screen');
    await shoot(page, 'deliveries');

    // Filters go in the address and survive a reload; no token ever does.
    await page.getByLabel('Status').selectOption('succeeded');
    await page.getByLabel('Webhook').selectOption(endpointId);
    await page.getByLabel('Event type').selectOption('order.paid');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/status=succeeded/);
    assert.match(page.url(), new RegExp(`endpointId=${endpointId}`));
    assert.match(page.url(), /eventType=order\.paid/);
    await page.reload();
    await page.getByRole('table').waitFor();
    assert.equal(await page.getByLabel('Status').inputValue(), 'succeeded');
    assert.equal(await page.getByLabel('Event type').inputValue(), 'order.paid');
    assert.ok(!page.url().includes(account.apiKey));
    const row = page.getByRole('row').filter({ hasText: 'order.paid' });
    assert.equal(await row.count(), 1);
    assert.equal(await page.locator('tbody tr').count(), 1, 'the test event is filtered out');

    // A time range with nothing in it.
    await page.getByLabel('From').fill('2099-01-01T00:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No delivery matches these filters.').waitFor();
    assert.match(page.url(), /since=2099-/);
    await page.goBack();
    await row.waitFor();
    assert.equal(await page.getByLabel('From').inputValue(), '');
    await row.getByText('order.paid').click();
    await page.waitForURL(new RegExp(`/deliveries/${deliveryId}$`));

    // Each attempt with its status and body; the event's data.
    const first = page.getByRole('article', { name: 'Attempt 1' });
    const second = page.getByRole('article', { name: 'Attempt 2' });
    await first.getByText('down for maintenance').waitFor();
    await first.getByText('500', { exact: true }).waitFor();
    await second.getByText('thanks 2').waitFor();
    await second.getByText('200', { exact: true }).waitFor();
    await page.getByRole('region', { name: 'Event data' }).getByText('"order"').waitFor();
    // The request as the receiver got it: its signature and body, one click away.
    const sent = receiver.requests.filter((r) => r.body.includes('type=order.paid'))[0];
    assert.ok(sent);
    await first.getByText('Request as sent').click();
    const headers = first.getByRole('region', { name: 'Request headers, Attempt 1' });
    await headers.getByText(`webhook-signature: ${sent.headers['webhook-signature']}`).waitFor();
    assert.equal(
      await first.getByRole('region', { name: 'Request body, Attempt 1' }).textContent(),
      sent.body,
    );
    await first.getByText('Response headers').click();
    const answered = first.getByRole('region', { name: 'Response headers, Attempt 1' });
    assert.match((await answered.textContent()) ?? '', /^date: .+ GMT$/m);

    await assertAccessible(page, 'the delivery page');
    await shoot(page, 'delivery-detail');

    // Resend, once it is final: a new request reaches the receiver, and a third attempt shows.
    const before = receiver.requests.length;
    await page.getByRole('button', { name: 'Resend' }).click();
    await page.getByText('The delivery is queued to be sent again now.').waitFor();
    await waitFor(() => receiver.requests.length > before, { what: 'the resent delivery' });
    await page.getByRole('article', { name: 'Attempt 3' }).getByText('thanks 3').waitFor();

    // The filters from the Webhooks screen: its Deliveries link chooses the webhook.
    await page.getByRole('link', { name: 'All deliveries' }).click();
    await page.getByRole('table').waitFor();

    // Recover from Deliveries with a webhook chosen.
    await page.goto(`${server.url}/accounts/${account.id}/deliveries?endpointId=${endpointId}`);
    await page.getByRole('button', { name: 'Recover failed deliveries since…' }).click();
    const recover = dialog(page, 'Recover failed deliveries');
    await recover.getByRole('button', { name: 'Recover' }).click();
    await recover.getByText('There were no failed or cancelled deliveries since then.').waitFor();
    await recover.getByRole('button', { name: 'Close' }).last().click();

    assert.deepEqual(errors, []);
    await context.close();
  });

  test('the deliveries list pages forward and back', async () => {
    const pageSize = 25;
    const example = (await server.api.call('GET', '/v1/event-types/order.refunded')).body.example;
    const published = await server.api.call('POST', `${accountPath()}/events/batch`, {
      body: {
        events: Array.from({ length: pageSize + 5 }, (_, i) => ({
          type: 'order.refunded',
          id: `refund-${i}`,
          data: example,
        })),
      },
    });
    assert.equal(published.status, 202);
    const { context, page, errors } = await signedIn(1280);
    await page.goto(`${server.url}/accounts/${account.id}/deliveries`);
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), pageSize);
    const firstOnPage1 = await rows.first().innerText();
    await page.getByRole('button', { name: 'Next page' }).click();
    await page
      .getByRole('navigation', { name: 'Pages of deliveries' })
      .getByText('2', { exact: true })
      .waitFor();
    await waitFor(async () => (await rows.first().innerText()) !== firstOnPage1, { what: 'page 2' });
    assert.ok((await rows.count()) >= 5);
    await shoot(page, 'deliveries-page-2');
    await page.getByRole('button', { name: 'Previous page' }).click();
    await waitFor(async () => (await rows.first().innerText()) === firstOnPage1, { what: 'page 1 again' });
    assert.equal(await rows.count(), pageSize);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('every screen and dialog works at 400 pixels wide, and a webhook is deleted after confirming', async () => {
    const { context, page, errors } = await signedIn(400);
    await page.goto(`${server.url}/accounts/${account.id}/webhooks`);
    const webhook = card(page, 'Zapier orders NL');
    await webhook.waitFor();
    // The attempts of the last 24 hours: a test event, the order that failed once, its resend, the refunds.
    await webhook.getByText(/^\d+(\.\d)?% \(\d+ of \d+ attempts\)$/).waitFor();
    await assertAccessible(page, 'the Webhooks screen at 400 px');
    await shoot(page, 'webhooks');
    const noSideways = async (what: string) =>
      assert.ok(
        await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
        `${what} fits 400 px`,
      );
    await noSideways('the Webhooks screen');

    // A webhook added with the keyboard alone: the form opens on its first field.
    await page.getByRole('button', { name: 'Add webhook' }).focus();
    await page.keyboard.press('Enter');
    const form = dialog(page, 'Add webhook');
    await form.waitFor();
    await waitFor(() => page.evaluate(() => document.activeElement?.id === 'webhook-url'), {
      what: 'focus on Endpoint URL',
    });
    // Saving with nothing filled in: the message shows beside Endpoint URL, and focus goes there.
    await page.keyboard.press('Enter');
    await form.locator('#webhook-url-error').getByText('This field is required.').waitFor();
    await assertAccessible(page, 'the Add webhook dialog at 400 px');
    await shoot(page, 'webhook-add-error', form);
    await page.keyboard.type(`${receiver.url}?via=keyboard`);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Keyboard hook');
    await page.keyboard.press('Tab');
    await page.keyboard.type('order');
    // Past "All events" (and any family whose descriptions mention orders) to "All order events".
    const focusedId = () => page.evaluate(() => document.activeElement?.id);
    for (let tabs = 0; (await focusedId()) !== 'webhook-events-family-order'; tabs++) {
      assert.ok(tabs < 40, 'All order events is reachable with Tab');
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Space');
    assert.ok(await form.getByLabel('All order events').isChecked());
    assert.ok(await form.getByLabel('order.paid', { exact: true }).isChecked(), 'covered by order.*');
    assert.ok(await form.getByLabel('order.paid', { exact: true }).isDisabled());
    await shoot(page, 'webhook-add-filled', form);
    // Back to Name, where Enter saves.
    for (let tabs = 0; (await focusedId()) !== 'webhook-name'; tabs++) {
      assert.ok(tabs < 10, 'Name is reachable with Shift+Tab');
      await page.keyboard.press('Shift+Tab');
    }
    await page.keyboard.press('Enter');
    await form.getByText('Webhook added').waitFor();
    await assertAccessible(page, 'the new webhook’s secret at 400 px');
    await shoot(page, 'webhook-added-secret', form);
    await page.keyboard.press('Tab'); // Copy
    await page.keyboard.press('Tab'); // Done
    await page.keyboard.press('Enter');
    await form.waitFor({ state: 'hidden' });
    const added = (await asAccount('GET', `${accountPath()}/endpoints`)).body.data.find(
      (e: { description: string }) => e.description === 'Keyboard hook',
    );
    assert.deepEqual(added.eventTypes, ['order.*']);
    assert.deepEqual(added.urls, [`${receiver.url}?via=keyboard`]);

    await webhook.getByRole('button', { name: 'Edit' }).click();
    const edit = dialog(page, 'Edit webhook');
    await edit.getByLabel('order.paid', { exact: true }).waitFor();
    await assertAccessible(page, 'the Edit webhook dialog at 400 px');
    await shoot(page, 'webhook-edit', edit);
    await edit.getByRole('button', { name: 'Cancel' }).click();
    await edit.waitFor({ state: 'hidden' });

    await webhook.getByRole('button', { name: 'Signing secret' }).click();
    const secretDialog = dialog(page, 'Signing secret');
    await secretDialog.getByRole('button', { name: 'Reveal secret' }).click();
    await secretDialog.getByRole('textbox', { name: 'Signing secret' }).waitFor();
    await assertAccessible(page, 'the secret dialog at 400 px');
    await shoot(page, 'webhook-secret', secretDialog);
    await secretDialog.getByRole('button', { name: 'Rotate secret' }).click();
    const confirmRotate = dialog(page, 'Rotate the signing secret?');
    await confirmRotate.waitFor();
    await shoot(page, 'webhook-rotate-confirm', confirmRotate);
    await confirmRotate.getByRole('button', { name: 'Cancel' }).click();
    await confirmRotate.waitFor({ state: 'hidden' });
    await page.keyboard.press('Escape');
    await secretDialog.waitFor({ state: 'hidden' });
    // Focus goes back to the button that opened the dialog.
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Signing secret');

    await webhook.getByRole('button', { name: 'Send test event' }).click();
    const testDialog = dialog(page, 'Test event');
    await testDialog.getByText('Answered 200').waitFor();
    await shoot(page, 'webhook-test', testDialog);
    await testDialog.getByRole('button', { name: 'Close' }).click();

    await webhook.getByRole('button', { name: 'Recover failed deliveries' }).click();
    const recover = dialog(page, 'Recover failed deliveries');
    await recover.getByLabel('Since').waitFor();
    await assertAccessible(page, 'the recover dialog at 400 px');
    await shoot(page, 'webhook-recover', recover);
    await page.keyboard.press('Escape');

    // Delete, with the confirmation.
    await webhook.getByRole('button', { name: 'Delete' }).click();
    const confirm = dialog(page, 'Delete this webhook?');
    await confirm.getByText('“Zapier orders NL” stops receiving events').waitFor();
    await assertAccessible(page, 'the delete confirmation at 400 px');
    await shoot(page, 'webhook-delete-confirm', confirm);
    await confirm.getByRole('button', { name: 'Delete webhook' }).click();
    await page.getByText('The webhook “Zapier orders NL” was deleted.').waitFor();
    await webhook.waitFor({ state: 'detached' });
    assert.equal((await asAccount('GET', `${accountPath()}/endpoints/${endpointId}`)).status, 404);

    await page.goto(`${server.url}/accounts/${account.id}/deliveries?status=succeeded`);
    await page.getByRole('table').waitFor();
    await assertAccessible(page, 'the Deliveries screen at 400 px');
    await shoot(page, 'deliveries');
    await noSideways('the Deliveries screen');
    await page.getByRole('button', { name: 'Next page' }).click();
    await page
      .getByRole('navigation', { name: 'Pages of deliveries' })
      .getByText('2', { exact: true })
      .waitFor();
    await shoot(page, 'deliveries-page-2');
    await page.getByRole('button', { name: 'Previous page' }).click();
    await page
      .getByRole('navigation', { name: 'Pages of deliveries' })
      .getByText('1', { exact: true })
      .waitFor();
    await page.locator('tbody tr a').first().click();
    await page.getByRole('heading', { name: 'Attempt 1' }).waitFor();
    await assertAccessible(page, 'the delivery page at 400 px');
    await shoot(page, 'delivery-detail');
    await noSideways('the delivery page');

    // In Dutch.
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByLabel('Language').selectOption('nl');
    await page.getByRole('button', { name: 'Webhook toevoegen' }).click();
    const dutchForm = dialog(page, 'Webhook toevoegen');
    await dutchForm.getByLabel('Gebeurtenissen zoeken').waitFor();
    await assertAccessible(page, 'the Add webhook dialog in Dutch');
    await shoot(page, 'webhook-add-nl', dutchForm);
    await page.keyboard.press('Escape');
    await shoot(page, 'webhooks-nl');

    assert.deepEqual(errors, []);
    await context.close();
  });
});
