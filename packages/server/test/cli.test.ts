/**
 * The `hookline` command as an operator meets it: `node packages/server/bin/hookline.js` in a child
 * process, configured by environment variables, stopped by signals.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import manifest from '../package.json' with { type: 'json' };
import { type Receiver, startReceiver } from './support/receiver.ts';
import {
  exitWithin,
  freePort,
  type HooklineProcess,
  killSpawned,
  type ProcessExit,
  runHookline,
  waitUntilReady,
} from './support/server-process.ts';
import { apiClient, waitFor } from './support/test-server.ts';

// Loading tsx and the sources takes about half a second; a refusal must not take much longer.
const QUICK_EXIT_MS = 10_000;
const dataDirs: string[] = [];
let receiver: Receiver | undefined;

after(async () => {
  await killSpawned();
  await receiver?.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-cli-'));
  dataDirs.push(dir);
  return dir;
}

/** Runs a command that should end on its own; resolves with its exit, output and duration. */
async function runToEnd(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<ProcessExit & { stdout: string; stderr: string; durationMs: number }> {
  const startedAt = Date.now();
  const p = runHookline(args, env);
  const exit = await exitWithin(p, QUICK_EXIT_MS);
  return { ...exit, stdout: p.stdout(), stderr: p.stderr(), durationMs: Date.now() - startedAt };
}

/** Starts `hookline start` on a free port and waits until it is ready and has printed its banner. */
async function startHookline(env: Record<string, string>): Promise<{ p: HooklineProcess; url: string }> {
  const port = await freePort();
  const p = runHookline(['start'], { PORT: String(port), HOOKLINE_HOST: '127.0.0.1', ...env });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(p, url);
  await waitFor(() => p.stdout().includes('Admin token'), { timeoutMs: 5_000, what: 'the start banner' });
  return { p, url };
}

function bannerToken(stdout: string): string {
  const match = /Admin token\s+(\S+)/.exec(stdout);
  assert.ok(match?.[1], `the banner shows the admin token:\n${stdout}`);
  return match[1];
}

async function stopWithSigterm(p: HooklineProcess): Promise<void> {
  p.child.kill('SIGTERM');
  assert.deepEqual(await exitWithin(p, 10_000), { code: 0, signal: null }, p.stderr());
}

describe('hookline start refuses an invalid setting', () => {
  const cases: [variable: string, value: string, says: RegExp][] = [
    ['HOOKLINE_TIMEOUT_MS', 'abc', /"abc" is not a whole number/],
    ['HOOKLINE_ALLOW_TARGETS', '300.1.1.1/8', /invalid CIDR "300\.1\.1\.1\/8"/],
    ['HOOKLINE_RETRY_SCHEDULE', '5x', /"5x" is not a duration/],
    ['PORT', '70000', /70000 is outside 0\.\.65535/],
    ['HOOKLINE_LOG_LEVEL', 'loud', /"loud" is not a log level/],
  ];
  for (const [variable, value, says] of cases) {
    test(`${variable}=${value}`, async () => {
      const dataDir = tempDataDir();
      const run = await runToEnd(['start'], { HOOKLINE_DATA_DIR: dataDir, [variable]: value });
      assert.equal(run.code, 2, run.stderr);
      assert.ok(run.durationMs < QUICK_EXIT_MS);
      assert.match(run.stderr, new RegExp(`${variable}: `));
      assert.match(run.stderr, says);
      assert.match(run.stderr, /docs\/configuration\.md/);
      assert.equal(run.stdout, '', 'nothing started, nothing printed');
    });
  }

  test('every invalid variable is named in one message', async () => {
    const run = await runToEnd(['start'], {
      HOOKLINE_DATA_DIR: tempDataDir(),
      HOOKLINE_TIMEOUT_MS: 'abc',
      HOOKLINE_ALLOW_TARGETS: '300.1.1.1/8',
      HOOKLINE_RETRY_SCHEDULE: '5x',
    });
    assert.equal(run.code, 2);
    for (const variable of ['HOOKLINE_TIMEOUT_MS', 'HOOKLINE_ALLOW_TARGETS', 'HOOKLINE_RETRY_SCHEDULE']) {
      assert.match(run.stderr, new RegExp(`${variable}: `));
    }
  });

  test('a misspelt variable is named in a warning', async () => {
    const run = await runToEnd(['start'], {
      HOOKLINE_DATA_DIR: tempDataDir(),
      HOOKLINE_RETRY_SCHEDUEL: '1s',
      HOOKLINE_TIMEOUT_MS: 'abc',
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /warning: HOOKLINE_RETRY_SCHEDUEL is not a setting and is ignored/);
  });

  test('an admin token no request could present (it has a space)', async () => {
    const run = await runToEnd(['start'], {
      HOOKLINE_DATA_DIR: tempDataDir(),
      HOOKLINE_ADMIN_TOKEN: 'correct horse battery staple',
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /HOOKLINE_ADMIN_TOKEN: must be printable ASCII without spaces/);
    assert.doesNotMatch(run.stderr, /horse/, 'the token itself is not echoed');
  });
});

describe('hookline start', () => {
  test('generates an admin token on first start, saves it 0600, and reuses it', async () => {
    const dataDir = tempDataDir();
    const first = await startHookline({ HOOKLINE_DATA_DIR: dataDir });
    const out = first.p.stdout();
    assert.match(out, new RegExp(`URL\\s+${first.url.replaceAll('.', '\\.')}`));
    // The dashboard is served by the same process and port, and the banner says where.
    assert.match(out, new RegExp(`Dashboard\\s+${first.url.replaceAll('.', '\\.')}/ `));
    const token = bannerToken(out);
    assert.match(out, /generated and saved in .*admin-token/);

    const tokenFile = join(dataDir, 'admin-token');
    assert.equal(readFileSync(tokenFile, 'utf8').trim(), token);
    assert.equal(statSync(tokenFile).mode & 0o777, 0o600);

    const api = apiClient(first.url, token);
    const listed = await api.call('GET', '/v1/accounts');
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.data, []);
    assert.equal((await api.call('GET', '/v1/accounts', { token: 'not-the-admin-token' })).status, 401);
    await stopWithSigterm(first.p);

    // Later starts reuse the token and say where it is, without printing it again.
    const second = await startHookline({ HOOKLINE_DATA_DIR: dataDir });
    assert.match(second.p.stdout(), /Admin token {2}in .*admin-token\n/);
    assert.ok(!second.p.stdout().includes(token), 'the saved token is not printed again');
    assert.equal((await apiClient(second.url, token).call('GET', '/v1/accounts')).status, 200);
    await stopWithSigterm(second.p);
  });

  test('HOOKLINE_ADMIN_TOKEN wins and is not written to the data dir', async () => {
    const dataDir = tempDataDir();
    const token = 'an-operator-chosen-token-0123456789';
    const { p, url } = await startHookline({ HOOKLINE_DATA_DIR: dataDir, HOOKLINE_ADMIN_TOKEN: token });
    assert.match(p.stdout(), /from HOOKLINE_ADMIN_TOKEN/);
    assert.ok(!p.stdout().includes(token), 'a token from the environment is not printed');
    assert.equal((await apiClient(url, token).call('GET', '/v1/accounts')).status, 200);
    assert.throws(() => statSync(join(dataDir, 'admin-token')), { code: 'ENOENT' });
    await stopWithSigterm(p);
  });

  test('SIGTERM while attempts are in flight drains them and exits 0 within seconds', async () => {
    receiver = await startReceiver();
    receiver.answer({
      raw: (_request, response) => {
        setTimeout(() => response.writeHead(200).end('ok'), 300);
      },
    });
    const token = 'sigterm-test-admin-token-0123456789';
    const { p, url } = await startHookline({
      HOOKLINE_DATA_DIR: tempDataDir(),
      HOOKLINE_ADMIN_TOKEN: token,
      HOOKLINE_ALLOW_TARGETS: '127.0.0.0/8',
    });
    const api = apiClient(url, token);
    const account = await api.call('POST', '/v1/accounts', { body: { name: 'Shop' } });
    const accountId: string = account.body.id;
    const endpoint = await api.call('POST', `/v1/accounts/${accountId}/endpoints`, {
      body: { url: receiver.url },
    });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    const published = await api.call('POST', `/v1/accounts/${accountId}/events/batch`, {
      body: { events: Array.from({ length: 5 }, (_, i) => ({ type: 'shop.order.paid', data: { n: i } })) },
    });
    assert.equal(published.status, 202);
    await waitFor(() => receiver!.requests.length > 0, { what: 'an attempt in flight' });

    const startedAt = Date.now();
    p.child.kill('SIGTERM');
    assert.deepEqual(await exitWithin(p, 10_000), { code: 0, signal: null }, p.stderr());
    assert.ok(Date.now() - startedAt < 5_000, 'stopped within 5 s');
    assert.doesNotMatch(p.stdout(), /stopped with attempts still in flight/);
  });

  test('a port in use ends the start with one line naming the cause', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const address = blocker.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const run = await runToEnd(['start'], {
        PORT: String(port),
        HOOKLINE_HOST: '127.0.0.1',
        HOOKLINE_DATA_DIR: tempDataDir(),
      });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /^hookline: could not start: listen EADDRINUSE.*set PORT\)\n$/);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  test('a data dir that is a file ends the start with one line naming the setting', async () => {
    const file = join(tempDataDir(), 'not-a-directory');
    writeFileSync(file, '');
    const run = await runToEnd(['start'], { PORT: '0', HOOKLINE_HOST: '127.0.0.1', HOOKLINE_DATA_DIR: file });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^hookline: could not start: .*check HOOKLINE_DATA_DIR.*\n$/);
  });

  test('a second process on a data dir in use refuses to start and names the first', async () => {
    const dataDir = tempDataDir();
    const first = await startHookline({ HOOKLINE_DATA_DIR: dataDir });
    const run = await runToEnd(['start'], {
      PORT: '0',
      HOOKLINE_HOST: '127.0.0.1',
      HOOKLINE_DATA_DIR: dataDir,
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`another Hookline \\(pid ${first.p.child.pid}\\) is using`));
    first.p.child.kill('SIGTERM');
    assert.equal((await exitWithin(first.p, QUICK_EXIT_MS)).code, 0);
  });

  test('an unusable admin-token file is reported, not silently accepted', async () => {
    const dataDir = tempDataDir();
    writeFileSync(join(dataDir, 'admin-token'), '\n', { mode: 0o600 });
    const run = await runToEnd(['start'], {
      PORT: '0',
      HOOKLINE_HOST: '127.0.0.1',
      HOOKLINE_DATA_DIR: dataDir,
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /admin-token must be at least 16 characters/);
  });
});

describe('hookline commands', () => {
  test('--version and version print the version', async () => {
    for (const args of [['--version'], ['-v'], ['version']]) {
      const run = await runToEnd(args);
      assert.equal(run.code, 0);
      assert.equal(run.stdout, `${manifest.version}\n`);
    }
  });

  test('--help prints the usage', async () => {
    const run = await runToEnd(['--help']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: hookline <command>/);
    assert.match(run.stdout, /start/);
  });

  test('an unknown command or option exits 2 with the usage on stderr', async () => {
    const command = await runToEnd(['frobnicate']);
    assert.equal(command.code, 2);
    assert.match(command.stderr, /unknown command "frobnicate"/);
    assert.match(command.stderr, /Usage: hookline/);
    assert.equal(command.stdout, '');

    const option = await runToEnd(['--frobnicate']);
    assert.equal(option.code, 2);
    assert.match(option.stderr, /Unknown option '--frobnicate'/);
  });
});
