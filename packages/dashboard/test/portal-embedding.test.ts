/**
 * The merchant portal inside a platform's own page: a cross-site iframe, with third-party cookies
 * blocked, works for the origins the operator allowed and is refused for every other.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../../server/test/support/test-server.ts';
import { browserSkipReason, collectPageErrors, launchBrowser } from './support/browser.ts';

/** A platform's product page that embeds whatever URL it is given in an iframe. */
async function startHostPage(): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    const src = new URL(request.url ?? '/', 'http://host').searchParams.get('src') ?? '';
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      `<!doctype html><title>Product</title><h1>Product page</h1>` +
        `<iframe id="portal" title="Webhooks" width="420" height="700" src="${src.replaceAll('"', '&quot;')}"></iframe>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('the portal in a platform’s iframe', { skip: browserSkipReason() }, () => {
  let host: { server: Server; port: number };
  let other: { server: Server; port: number };
  let hookline: TestServer;
  let browser: Browser;
  before(async () => {
    host = await startHostPage();
    other = await startHostPage();
    // `localhost` and `127.0.0.1` are different sites to the browser: the frame is cross-site.
    hookline = await startTestServer({ HOOKLINE_PORTAL_FRAME_ANCESTORS: `http://localhost:${host.port}` });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await hookline?.close();
    host?.server.close();
    other?.server.close();
  });

  async function portalUrl(): Promise<{ url: string; accountName: string }> {
    const account = await hookline.createAccount('Embedded shop');
    const session = await hookline.api.call('POST', `/v1/accounts/${account.id}/portal-sessions`, {
      body: { scope: { productIds: ['prod_course'] } },
    });
    assert.equal(session.status, 201);
    return { url: session.body.url, accountName: 'Embedded shop' };
  }

  test('an allowed origin embeds the portal, which works without cookies', async () => {
    const { url, accountName } = await portalUrl();
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    const page = await context.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`http://localhost:${host.port}/?src=${encodeURIComponent(url)}`);
    const frame = page.frameLocator('#portal');
    await frame.getByText(accountName).first().waitFor();
    await frame.getByRole('button', { name: 'Add rule' }).waitFor();
    // The token left the frame's address as soon as it was read.
    const frameUrl =
      page
        .frames()
        .find((f) => f !== page.mainFrame())
        ?.url() ?? '';
    assert.ok(!frameUrl.includes('#token='), frameUrl);
    // No cookie at all, so browsers that block third-party cookies change nothing.
    assert.deepEqual(await context.cookies(), [], 'the portal sets no cookie');
    assert.deepEqual(errors, []);
    await context.close();
  });

  test('any other origin is refused', async () => {
    const { url } = await portalUrl();
    const context = await browser.newContext();
    const page = await context.newPage();
    const refused = new Promise<string>((resolve) => {
      // No refusal within 10 s means the frame was let in.
      const timer = setTimeout(() => resolve('no refusal within 10 s'), 10_000);
      page.on('console', (message) => {
        if (!/frame-ancestors|Refused to frame/i.test(message.text())) return;
        clearTimeout(timer);
        resolve(message.text());
      });
    });
    await page.goto(`http://localhost:${other.port}/?src=${encodeURIComponent(url)}`);
    assert.match(await refused, /frame-ancestors/);
    await context.close();
  });
});
