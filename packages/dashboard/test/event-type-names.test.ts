/**
 * The webhook form and the API's check of event type names, in a real Chromium against a real
 * Hookline: the event picker finds a type by a platform's own name for it and saves the type, and a
 * webhook stored before the check, holding a name the catalogue does not know, shows it, is refused
 * in words when saved with it, and saves once it is removed. Checked with axe-core.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import {
  browserSkipReason,
  collectPageErrors,
  launchBrowser,
  newContext,
  seriousAxeViolations,
} from './support/browser.ts';

describe('event type names in the webhook form', { skip: browserSkipReason() }, () => {
  let server: TestServer;
  let browser: Browser;
  let account: { id: string; apiKey: string };

  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    account = await server.createAccount('Streaming Service');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const endpointsPath = () => `/v1/accounts/${account.id}/endpoints`;

  async function webhooksScreen(): Promise<Page> {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByLabel('Token').fill(account.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/settings\/webhooks$/);
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.waitForURL(new RegExp(`/accounts/${account.id}/webhooks$`));
    return page;
  }

  test("searching for InPlayer's label finds the type it stands for, and the type is saved", async () => {
    const page = await webhooksScreen();
    const errors = collectPageErrors(page);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const form = page.getByRole('dialog', { name: 'Add webhook' });
    await form.getByLabel('Endpoint URL').fill('http://127.0.0.1:9/inplayer');
    await form.getByLabel('Name', { exact: true }).fill('Expired subscriptions');
    await form.getByLabel('Search events').fill('subscribe.expired');
    const ended = form.getByLabel('subscription.ended', { exact: true });
    await ended.waitFor();
    assert.equal(
      await form.locator('#webhook-events').getByRole('checkbox').count(),
      3,
      'all events, the family and the one type',
    );
    const hint = await form.locator(`#${await ended.getAttribute('id')}-hint`).innerText();
    assert.match(hint, /Also called subscribe\.expired\.$/);
    await ended.check();
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on the picker found by an alias');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('Webhook added').waitFor();

    const listed = await server.api.call('GET', endpointsPath(), { token: account.apiKey });
    const added = listed.body.data.find(
      (e: { description: string }) => e.description === 'Expired subscriptions',
    );
    assert.deepEqual(added.eventTypes, ['subscription.ended']);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('a webhook stored with an unknown name shows it, is refused with the closest name, and saves without it', async () => {
    const created = await server.api.call('POST', endpointsPath(), {
      token: account.apiKey,
      body: { url: 'http://127.0.0.1:9/legacy', description: 'Legacy payments', eventTypes: ['order.paid'] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // As an endpoint stored before the API checked names would be: written to the database directly.
    const db = new Database(server.server.databasePath);
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('UPDATE endpoints SET event_types = ? WHERE id = ?').run(
        JSON.stringify(['order.payd', 'payment.card.success']),
        created.body.id,
      );
    } finally {
      db.close();
    }

    const page = await webhooksScreen();
    const errors = collectPageErrors(page);
    await page
      .getByRole('article', { name: 'Legacy payments' })
      .getByRole('button', { name: 'Edit' })
      .click();
    const form = page.getByRole('dialog', { name: 'Edit webhook' });
    await form.waitFor();
    const other = form.getByRole('group', { name: 'Other' });
    const unknown = other.getByLabel('order.payd', { exact: true });
    const alias = other.getByLabel('payment.card.success', { exact: true });
    assert.ok(await unknown.isChecked());
    assert.ok(await alias.isChecked());
    assert.match(
      await other.locator(`#${await unknown.getAttribute('id')}-hint`).innerText(),
      /Not in the catalogue/,
    );
    assert.match(
      await other.locator(`#${await alias.getAttribute('id')}-hint`).innerText(),
      /Another name for payment\.succeeded/,
    );

    await form.getByRole('button', { name: 'Save' }).click();
    const eventsError = form.locator('#webhook-events-error');
    await eventsError.waitFor();
    assert.equal(
      await eventsError.innerText(),
      'An event type is not in the catalogue, so nothing would ever arrive for it. Did you mean order.paid?',
    );
    assert.deepEqual(await seriousAxeViolations(page), [], 'axe on the refused event types');
    const unchanged = await server.api.call('GET', `${endpointsPath()}/${created.body.id}`, {
      token: account.apiKey,
    });
    assert.deepEqual(unchanged.body.eventTypes, ['order.payd', 'payment.card.success']);

    // Unticked, a name outside the catalogue leaves the list: it cannot be chosen again.
    await unknown.click();
    await unknown.waitFor({ state: 'detached' });
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'hidden' });
    const saved = await server.api.call('GET', `${endpointsPath()}/${created.body.id}`, {
      token: account.apiKey,
    });
    assert.deepEqual(saved.body.eventTypes, ['payment.succeeded'], 'the alias is saved as its type');
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});
