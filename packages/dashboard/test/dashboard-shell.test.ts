/**
 * The dashboard as a browser sees it: served by Hookline itself with a strict policy, signed in with
 * the admin token or an API key, in English and Dutch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { request } from 'undici';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import {
  browserSkipReason,
  collectPageErrors,
  launchBrowser,
  newContext,
  seriousAxeViolations,
} from './support/browser.ts';

describe('the dashboard shell', { skip: browserSkipReason() }, () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the page is served with a strict policy and no inline script', async () => {
    const response = await request(`${server.url}/`, { headers: { accept: 'text/html' } });
    const html = await response.body.text();
    assert.equal(response.statusCode, 200);
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(response.headers['referrer-policy'], 'no-referrer');
    assert.equal(response.headers['x-frame-options'], 'DENY');
    assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]/, 'no inline script');
    // A JSON client still gets the JSON answer at /.
    const json = await server.api.call('GET', '/', { token: null });
    assert.equal(json.body.name, 'Hookline');
    // A screen's path opens the same page; an API path stays an API problem.
    const deep = await request(`${server.url}/accounts/acc_x/webhooks`, { headers: { accept: 'text/html' } });
    assert.equal(deep.statusCode, 200);
    await deep.body.dump();
    const api = await request(`${server.url}/v1/nothing`, { headers: { accept: 'text/html' } });
    assert.equal(api.statusCode, 404);
    assert.match(String(api.headers['content-type']), /problem\+json/);
    await api.body.dump();
  });

  test('the assets are compressed and small', async () => {
    const html = await (await request(`${server.url}/`, { headers: { accept: 'text/html' } })).body.text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] as string);
    assert.equal(assets.length, 2);
    for (const path of assets) {
      const response = await request(server.url + path, { headers: { 'accept-encoding': 'gzip' } });
      assert.equal(response.headers['content-encoding'], 'gzip');
      assert.match(String(response.headers['cache-control']), /immutable/);
      await response.body.dump();
    }
  });

  test('signing in with the admin token opens the console; a wrong token is refused beside the field', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(server.url);
    await page.getByLabel('Token').fill('hla_wrong-token-000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('This token is not valid').waitFor();
    assert.deepEqual(await seriousAxeViolations(page), []);
    await page.getByLabel('Token').fill(server.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/console$/);
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    // The token never appears in the address.
    assert.ok(!page.url().includes(server.adminToken));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("an account's API key opens that account's screens, in Dutch when chosen", async () => {
    const account = await server.createAccount('Bakkerij Jansen');
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(server.url);
    // The sign-in page speaks Dutch too, and the choice carries into the screens.
    await page.getByLabel('Language').selectOption('nl');
    await page.getByRole('heading', { name: 'Aanmelden bij Hookline' }).waitFor();
    await page.getByLabel('Token').fill(account.apiKey);
    await page.getByRole('button', { name: 'Aanmelden' }).click();
    await page.waitForURL(new RegExp(`/accounts/${account.id}/settings/webhooks$`));
    await page.getByText('Bakkerij Jansen').first().waitFor();
    await page.getByRole('link', { name: 'Instellingen > Webhooks' }).waitFor();
    await page.getByLabel('Taal').selectOption('en');
    await page.getByRole('link', { name: 'Settings > Webhooks' }).waitFor();
    await page.getByLabel('Language').selectOption('nl');
    await page.getByRole('link', { name: 'Instellingen > Webhooks' }).waitFor();
    // The page's language is set after the screen renders in it: waited for, not read at once.
    await page.locator('html[lang="nl"]').waitFor({ state: 'attached' });
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'nl');
    await context.close();
  });
});
