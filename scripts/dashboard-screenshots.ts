/**
 * `npm run screenshots`: starts a Hookline with a demo merchant (webhooks, deliveries that succeeded
 * and failed, API keys), opens every screen of the dashboard in Debian's Chromium, and writes the
 * pictures to docs/dashboard/ and their list into docs/dashboard.md (between its screenshot markers).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { loadConfig } from '../packages/server/src/config/config.ts';
import { createLogger } from '../packages/server/src/observability/logger.ts';
import { startServer } from '../packages/server/src/server.ts';
import { apiClient, waitFor } from '../packages/server/test/support/test-server.ts';

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const imageDir = join(repoRoot, 'docs', 'dashboard');
const docPath = join(repoRoot, 'docs', 'dashboard.md');
const START = '<!-- screenshots:start -->';
const END = '<!-- screenshots:end -->';

/** One picture in the docs. */
interface Shot {
  readonly file: string;
  readonly title: string;
  readonly caption: string;
}

/** A receiver that answers 200 on `/ok` and 500 on `/fail`. */
async function startReceiver(): Promise<{ url: string; close: () => void }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const failing = request.url?.startsWith('/fail') ?? false;
      response.writeHead(failing ? 500 : 200, { 'content-type': 'application/json' });
      response.end(failing ? '{"error":"database is down"}' : '{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

function order(id: string, lines: { productId: string; name: string; total: string }[], kind = 'one_time') {
  return {
    id: `${id}-paid`,
    type: 'order.paid',
    data: {
      order: {
        id,
        checkoutId: 'chk_main',
        plugId: null,
        upsellId: null,
        parentOrderId: null,
        currency: 'EUR',
        total: lines.reduce((sum, line) => sum + Number(line.total), 0).toFixed(2),
        customer: { id: 'cus_1', email: 'anna@example.com', name: 'Anna de Vries' },
        payment: { kind, method: kind === 'one_time' ? 'ideal' : 'sepa_direct_debit', sequence: 1 },
        lines: lines.map((line, i) => ({
          id: `${id}_line_${i + 1}`,
          productId: line.productId,
          kind: i === 0 ? 'main' : 'bump',
          name: line.name,
          quantity: 1,
          unitPrice: line.total,
          total: line.total,
        })),
      },
    },
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hookline-screens-'));
  const receiver = await startReceiver();
  const server = await startServer(
    loadConfig({
      PORT: '0',
      HOOKLINE_HOST: '127.0.0.1',
      HOOKLINE_DATA_DIR: dataDir,
      HOOKLINE_ALLOW_TARGETS: '127.0.0.0/8',
      HOOKLINE_RETRY_SCHEDULE: '1h',
    }),
    { logger: createLogger('silent') },
  );
  const api = apiClient(server.url, server.adminToken);
  const must = async (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) => {
    const response = await api.call(method, path, body === undefined ? {} : { body });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(response.body)}`);
    return response.body;
  };

  const shop = await must('POST', '/v1/accounts', { name: 'Bakkerij Jansen' });
  await must('POST', '/v1/accounts', { name: 'Studio Noord' });
  await must('POST', '/v1/accounts', { name: 'North Sea Sessions' });
  const base = `/v1/accounts/${shop.id}`;
  await must('POST', `${base}/api-keys`, { name: 'Zapier' });
  await must('POST', `${base}/endpoints`, {
    url: `${receiver.url}/ok/orders`,
    description: 'Orders (Settings > Webhooks)',
    eventTypes: ['order.paid'],
    includeRecurring: true,
    perOrderLine: true,
  });
  await must('POST', `${base}/endpoints`, {
    url: `${receiver.url}/ok/cancellations`,
    description: 'Cancellations (Settings > Webhooks)',
    eventTypes: ['subscription.cancelled', 'subscription.ended'],
  });
  await must('POST', `${base}/endpoints`, {
    url: `${receiver.url}/ok/course`,
    description: 'Course access',
    eventTypes: ['order.paid'],
    productIds: ['prod_course'],
  });
  await must('POST', `${base}/endpoints`, {
    url: `${receiver.url}/fail/crm`,
    description: 'CRM (form fields)',
    eventTypes: ['order.*', 'customer.created'],
    format: 'form',
    fields: ['order.id', 'order.total', 'order.customer.email'],
    userAgent: 'PayGate - Webhooks',
  });
  await must('POST', `${base}/events/batch`, {
    events: [
      order('ord_1001', [
        { productId: 'prod_course', name: 'Online Marketing Masterclass', total: '149.00' },
      ]),
      order('ord_1002', [
        { productId: 'prod_course', name: 'Online Marketing Masterclass', total: '149.00' },
        { productId: 'prod_workbook', name: 'Werkboek en templates', total: '19.00' },
      ]),
      order(
        'ord_1003',
        [{ productId: 'prod_membership', name: 'Membership', total: '29.00' }],
        'direct_debit',
      ),
    ],
  });
  await waitFor(
    async () => {
      const page = await must('GET', `${base}/deliveries?limit=100`);
      return page.data.every((d: { attemptCount: number }) => d.attemptCount > 0);
    },
    { timeoutMs: 15_000, what: 'the first attempts' },
  );
  const deliveries = await must('GET', `${base}/deliveries?limit=100&status=pending`);
  const failed = deliveries.data[0] as { id: string } | undefined;

  const portal = async (body: unknown) => (await must('POST', `${base}/portal-sessions`, body)).url as string;

  mkdirSync(imageDir, { recursive: true });
  const shots: Shot[] = [];
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const shoot = async (page: Page, file: string, title: string, caption: string) => {
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(imageDir, file), fullPage: true });
    shots.push({ file, title, caption });
    process.stdout.write(`  ${file}\n`);
  };
  const open = async (width: number): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext({ viewport: { width, height: 860 }, locale: 'en-GB' });
    return { context, page: await context.newPage() };
  };

  try {
    // The operator.
    const admin = await open(1280);
    let page = admin.page;
    await page.goto(server.url);
    await shoot(
      page,
      'sign-in.png',
      'Sign in',
      'The admin token opens the operator console; an API key opens its account.',
    );
    await page.getByLabel('Token').fill(server.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/console$/);
    await page.waitForTimeout(4_500);
    await shoot(
      page,
      'console-overview.png',
      'Operator console: overview',
      'Live figures from the engine, polled every 2 s.',
    );
    await page.goto(`${server.url}/console/accounts`);
    await page.getByText('Studio Noord').waitFor();
    await shoot(
      page,
      'console-accounts.png',
      'Operator console: accounts',
      'Create accounts, change their limits, open their screens, make portal links.',
    );
    await page.goto(`${server.url}/console/event-types`);
    await page.getByLabel('Search').fill('subscription.c');
    await page.locator('details summary').first().click();
    await shoot(
      page,
      'console-event-types.png',
      'Operator console: event types',
      'The catalogue by family, searchable, with each schema and example.',
    );
    await page.goto(`${server.url}/accounts/${shop.id}/settings/webhooks`);
    await page.getByRole('button', { name: 'Save' }).first().waitFor();
    await shoot(
      page,
      'settings-webhooks.png',
      'Settings > Webhooks',
      'The API key, the general orders webhook with its two options, and the cancellations webhook.',
    );
    await page.goto(`${server.url}/accounts/${shop.id}/webhooks`);
    await page.getByText('CRM (form fields)').first().waitFor();
    await shoot(
      page,
      'webhooks.png',
      'Webhooks',
      'Every webhook with its events, state and 24-hour success rate, and how many URLs receive.',
    );
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await page.getByRole('dialog').waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(imageDir, 'webhook-form.png') });
    shots.push({
      file: 'webhook-form.png',
      title: 'Add webhook',
      caption:
        'URLs, name, events by family, plugs, data to include, format, order per key, User-Agent and headers.',
    });
    await page.keyboard.press('Escape');
    await page.goto(`${server.url}/accounts/${shop.id}/deliveries`);
    await page.getByRole('table').first().waitFor();
    await shoot(
      page,
      'deliveries.png',
      'Deliveries',
      'Newest first, filtered by state, webhook, event type and time.',
    );
    if (failed) {
      await page.goto(`${server.url}/accounts/${shop.id}/deliveries/${failed.id}`);
      await page.getByRole('button', { name: 'Resend' }).waitFor();
      // The first attempt opened on the request as it went out.
      await page.getByRole('article', { name: 'Attempt 1' }).getByText('Request as sent').click();
      await shoot(
        page,
        'delivery-detail.png',
        'A delivery',
        'Each attempt with its status, duration, the request as sent and the response; Resend sends it again.',
      );
    }
    await page.goto(`${server.url}/accounts/${shop.id}/events`);
    await page.getByText('ord_1002-paid').waitFor();
    await page.getByRole('button', { name: 'Deliveries' }).nth(1).click();
    await page.getByRole('link', { name: 'Open delivery' }).first().waitFor();
    await shoot(
      page,
      'events.png',
      'Events',
      'Every event newest first, each with where it was delivered and how it went.',
    );
    await page.goto(`${server.url}/accounts/${shop.id}/api-keys`);
    await page.getByText('Zapier').waitFor();
    await shoot(
      page,
      'api-keys.png',
      'API keys',
      'Named keys with their prefix and last use; create, roll with a grace period, revoke.',
    );
    await admin.context.close();

    // The merchant, in the platform's own pages (portal links).
    const product = await open(1280);
    page = product.page;
    await page.goto(await portal({ scope: { productIds: ['prod_course'] } }));
    await page.getByRole('button', { name: 'Add rule' }).waitFor();
    await shoot(
      page,
      'connections.png',
      'Product > Connections (portal scoped to a product)',
      'The rules of one product, as the platform embeds them in its product page.',
    );
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('dialog').waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(imageDir, 'add-rule.png') });
    shots.push({
      file: 'add-rule.png',
      title: 'Add rule',
      caption: 'Webhook URL and events; the product comes from the portal session.',
    });
    await product.context.close();

    const upsell = await open(1280);
    await upsell.page.goto(await portal({ scope: { upsellIds: ['ups_coaching'] } }));
    await upsell.page.getByRole('button', { name: 'Save' }).waitFor();
    await shoot(
      upsell.page,
      'upsell.png',
      'Upsell > Advanced (portal scoped to an upsell)',
      'The webhook URL of one upsell.',
    );
    await upsell.context.close();

    const dutch = await open(1280);
    await dutch.page.goto(await portal({ locale: 'nl' }));
    await dutch.page.getByRole('button', { name: 'Opslaan' }).first().waitFor();
    await shoot(
      dutch.page,
      'settings-webhooks-nl.png',
      'Instellingen > Webhooks (Dutch)',
      'The same screen in Dutch, in the words of Plug&Pay’s Dutch help page.',
    );
    await dutch.context.close();

    const narrow = await open(400);
    await narrow.page.goto(await portal({}));
    await narrow.page.getByRole('button', { name: 'Save' }).first().waitFor();
    await shoot(
      narrow.page,
      'settings-webhooks-narrow.png',
      'At 400 px (inside an iframe)',
      'The portal at the width of a narrow iframe.',
    );
    await narrow.context.close();
  } finally {
    await browser.close();
    await server.stop();
    receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const list = shots
    .map((shot) => `### ${shot.title}\n\n${shot.caption}\n\n![${shot.title}](dashboard/${shot.file})\n`)
    .join('\n');
  const doc = readFileSync(docPath, 'utf8');
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${docPath} has no ${START} … ${END} markers`);
  writeFileSync(docPath, `${doc.slice(0, from + START.length)}\n\n${list}\n${doc.slice(to)}`);
  process.stdout.write(
    `wrote ${shots.length} screenshots to docs/dashboard/ and their list to docs/dashboard.md\n`,
  );
}

await main();
