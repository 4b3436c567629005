import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect as netConnect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { type Cidr, parseCidrList } from '../domain/ip-range.ts';
import {
  BLOCKED_ADDRESS_ERROR_CODE,
  BlockedAddressError,
  type ResolvedAddress,
  type Resolver,
  SsrfGuard,
} from './ssrf-guard.ts';

// DNS is unreachable on the test machine and no test may send traffic beyond loopback, so every
// guard gets an explicit resolver: a fixed table, or one that fails the test if it is consulted.
const noDns: Resolver = async (hostname) => {
  throw new Error(`DNS must not be consulted for ${hostname}`);
};

function tableResolver(table: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolve = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const addresses = table[hostname];
    if (addresses === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { calls });
}

function guard(allow: string, lookup: Resolver = noDns): SsrfGuard {
  return new SsrfGuard({ allow: parseCidrList(allow), lookup });
}

describe('WHATWG URL normalises legacy IPv4 spellings', () => {
  for (const url of [
    'http://0x7f.1/',
    'http://0x7f.0.0.1/',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://017700000001/',
    'http://0177.0.0.1/',
    'http://127.1/',
  ]) {
    test(`${url} has host 127.0.0.1`, () => {
      assert.equal(new URL(url).hostname, '127.0.0.1');
    });
  }
});

describe('checkUrl', () => {
  const blocked = [
    'http://127.0.0.1',
    'http://127.0.0.1:8080/hooks',
    'https://127.0.0.1/',
    'http://localhost',
    'http://LOCALHOST.:3000/',
    'http://foo.localhost',
    'http://0x7f.0.0.1',
    'http://0x7f000001',
    'http://2130706433',
    'http://017700000001',
    'http://0177.0.0.1',
    'http://127.1',
    'http://0',
    'http://0.0.0.0',
    'http://[::1]',
    'http://[::]',
    'http://[::ffff:127.0.0.1]',
    'http://[::ffff:7f00:1]',
    'http://[0:0:0:0:0:ffff:127.0.0.1]',
    'http://[64:ff9b::127.0.0.1]',
    'http://[2002:7f00:1::]',
    'http://[fe80::1]',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:169.254.169.254]',
    'http://10.0.0.1',
    'http://192.168.1.1',
    'http://172.16.0.1',
    'http://100.64.0.1',
    'http://224.0.0.1',
    'http://255.255.255.255',
    'http://[fd00::1]',
    'http://[2001:db8::1]',
  ];
  for (const url of blocked) {
    test(`refuses ${url}`, async () => {
      const check = await guard('').checkUrl(url);
      assert.equal(check.ok, false);
      assert.equal(!check.ok && check.code, 'blocked_address');
    });
  }

  test('names the address and its class in the message', async () => {
    const check = await guard('').checkUrl('http://0x7f.1/');
    assert.deepEqual(check, {
      ok: false,
      code: 'blocked_address',
      message:
        'Refusing to deliver to 127.0.0.1 (loopback): only public addresses are allowed unless HOOKLINE_ALLOW_TARGETS includes them.',
    });
  });

  test('refuses schemes other than http and https', async () => {
    for (const url of [
      'ftp://example.com',
      'file:///etc/passwd',
      'gopher://example.com',
      'javascript:alert(1)',
    ]) {
      const check = await guard('').checkUrl(url);
      assert.equal(!check.ok && check.code, 'unsupported_scheme', url);
    }
  });

  test('refuses credentials without echoing them', async () => {
    for (const url of ['http://user:pw@example.com', 'https://user@example.com/', 'http://:pw@example.com']) {
      const check = await guard('').checkUrl(url);
      assert.equal(!check.ok && check.code, 'invalid_url', url);
      assert.ok(!check.ok && !check.message.includes('pw'), check.ok ? '' : check.message);
    }
  });

  test('refuses text that is not an absolute URL', async () => {
    for (const url of ['', 'example.com/hooks', 'http://', 'http://1.2.3.4.5/', 'http://[::1/']) {
      const check = await guard('').checkUrl(url);
      assert.equal(!check.ok && check.code, 'invalid_url', url);
    }
  });

  test('refuses a URL whose text does not name its host right after // (the parser would read another)', async () => {
    for (const url of [
      'http:///93.184.216.34/',
      'http:////93.184.216.34/',
      'http:/93.184.216.34/',
      'http:93.184.216.34/',
      'https:\\\\93.184.216.34\\x',
      'https:/\\93.184.216.34/',
      'https://93.184.216.34\\x',
      'http://93.184.216.34/a?b=\\',
    ]) {
      const check = await guard('').checkUrl(url);
      assert.equal(!check.ok && check.code, 'invalid_url', url);
    }
    // What the parser changes without changing the target stays accepted, as written.
    for (const url of [
      'HTTP://93.184.216.34:80/A',
      'https://93.184.216.34/%7Euser',
      'http://0x5d.0xb8.0xd8.0x22/',
    ]) {
      assert.deepEqual(await guard('').checkUrl(url), { ok: true }, url);
    }
  });

  test('accepts a public IP literal without resolving or connecting', async () => {
    assert.deepEqual(await guard('').checkUrl('http://93.184.216.34/'), { ok: true });
    assert.deepEqual(await guard('').checkUrl('https://[2606:4700:4700::1111]:8443/x'), { ok: true });
    assert.deepEqual(await guard('').checkUrl('http://[::ffff:93.184.216.34]/'), { ok: true });
  });

  test('accepts non-public addresses inside the allow list', async () => {
    const local = guard('127.0.0.0/8,::1/128,10.0.0.0/8');
    for (const url of [
      'http://127.0.0.1:3000/',
      'http://localhost:3000/',
      'http://[::1]/',
      'http://10.2.3.4/',
    ]) {
      assert.deepEqual(await local.checkUrl(url), { ok: true }, url);
    }
    const check = await local.checkUrl('http://192.168.0.1/');
    assert.equal(!check.ok && check.code, 'blocked_address');
  });

  test('localhost means both 127.0.0.1 and ::1, so allowing one family is not enough', async () => {
    const check = await guard('127.0.0.0/8').checkUrl('http://localhost/');
    assert.equal(!check.ok && check.code, 'blocked_address');
    assert.match(check.ok ? '' : check.message, /::1 \(loopback\)/);
  });

  test('resolves names and refuses a name with any private address', async () => {
    const resolve = tableResolver({
      'public.example.test': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
      'internal.example.test': ['10.0.0.7'],
      'mixed.example.test': ['93.184.216.34', '192.168.0.10'],
      'metadata.example.test': ['::ffff:169.254.169.254'],
      'empty.example.test': [],
    });
    const checker = guard('', resolve);
    assert.deepEqual(await checker.checkUrl('https://public.example.test/hooks'), { ok: true });
    assert.deepEqual(await checker.checkUrl('https://internal.example.test/hooks'), {
      ok: false,
      code: 'blocked_address',
      message:
        'Refusing to deliver to internal.example.test, which resolves to 10.0.0.7 (private): only public addresses are allowed unless HOOKLINE_ALLOW_TARGETS includes them.',
    });
    const mixed = await checker.checkUrl('https://mixed.example.test/hooks');
    assert.equal(!mixed.ok && mixed.code, 'blocked_address');
    assert.match(mixed.ok ? '' : mixed.message, /192\.168\.0\.10 \(private\)/);
    assert.doesNotMatch(mixed.ok ? '' : mixed.message, /93\.184/);
    const metadata = await checker.checkUrl('https://metadata.example.test/');
    assert.equal(!metadata.ok && metadata.code, 'blocked_address');
    assert.deepEqual(await checker.checkUrl('https://missing.example.test/'), {
      ok: false,
      code: 'unresolvable',
      message: 'The host missing.example.test does not resolve (ENOTFOUND).',
    });
    const empty = await checker.checkUrl('https://empty.example.test/');
    assert.equal(!empty.ok && empty.code, 'unresolvable');
    assert.deepEqual(resolve.calls, [
      'public.example.test',
      'internal.example.test',
      'mixed.example.test',
      'metadata.example.test',
      'missing.example.test',
      'empty.example.test',
    ]);
  });

  test('a resolver answer that is not an address is refused', async () => {
    const check = await guard('0.0.0.0/0', tableResolver({ 'odd.example.test': ['not-an-ip'] })).checkUrl(
      'http://odd.example.test/',
    );
    assert.equal(!check.ok && check.code, 'blocked_address');
  });
});

describe('assertLiteralAllowed', () => {
  test('refuses non-public IP literals and lets names through to the connect-time lookup', () => {
    const checker = guard('');
    assert.equal(checker.assertLiteralAllowed(new URL('http://169.254.169.254/')).ok, false);
    assert.equal(checker.assertLiteralAllowed(new URL('http://[::ffff:a9fe:a9fe]/')).ok, false);
    assert.equal(checker.assertLiteralAllowed(new URL('http://0x0a.1/')).ok, false);
    assert.deepEqual(checker.assertLiteralAllowed(new URL('http://93.184.216.34/')), { ok: true });
    assert.deepEqual(checker.assertLiteralAllowed(new URL('https://hooks.example.test/')), { ok: true });
    const ftp = checker.assertLiteralAllowed(new URL('ftp://93.184.216.34/'));
    assert.equal(!ftp.ok && ftp.code, 'unsupported_scheme');
    assert.deepEqual(guard('127.0.0.0/8').assertLiteralAllowed(new URL('http://127.0.0.1:1/')), { ok: true });
  });
});

/** Calls the guard's `net`-style lookup and returns what it called back with. */
function callLookup(
  checker: SsrfGuard,
  hostname: string,
  options: { all?: boolean; family?: number },
): Promise<{
  error: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family: number | undefined;
}> {
  return new Promise((resolve) => {
    checker.lookup(hostname, options, (error, address, family) => resolve({ error, address, family }));
  });
}

describe('lookup (for net.connect)', () => {
  const resolve = tableResolver({
    'mixed.example.test': ['10.0.0.1', '93.184.216.34', '::1', '2606:4700:4700::1111'],
    'internal.example.test': ['10.0.0.1', 'fd00::1'],
  });

  test('with all: true answers every allowed address and drops the rest', async () => {
    const answer = await callLookup(guard('', resolve), 'mixed.example.test', { all: true });
    assert.equal(answer.error, null);
    assert.deepEqual(answer.address, [
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700:4700::1111', family: 6 },
    ]);
  });

  test('with all: false answers the first allowed address', async () => {
    const answer = await callLookup(guard('::1/128', resolve), 'mixed.example.test', {});
    assert.deepEqual([answer.error, answer.address, answer.family], [null, '93.184.216.34', 4]);
  });

  test('honours options.family', async () => {
    const answer = await callLookup(guard('::1/128', resolve), 'mixed.example.test', {
      all: true,
      family: 6,
    });
    assert.deepEqual(answer.address, [
      { address: '::1', family: 6 },
      { address: '2606:4700:4700::1111', family: 6 },
    ]);
  });

  test('fails with ERR_HOOKLINE_BLOCKED_ADDRESS when nothing allowed remains', async () => {
    for (const all of [true, false]) {
      const answer = await callLookup(guard('', resolve), 'internal.example.test', { all });
      assert.ok(answer.error instanceof BlockedAddressError);
      assert.equal(answer.error.code, BLOCKED_ADDRESS_ERROR_CODE);
      assert.deepEqual(answer.error.addresses, ['10.0.0.1', 'fd00::1']);
    }
  });

  test('answers localhost and legacy numeric hosts without DNS', async () => {
    const local = guard('127.0.0.0/8,::1/128');
    assert.deepEqual((await callLookup(local, 'localhost', { all: true })).address, [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
    assert.deepEqual((await callLookup(local, 'app.localhost', { all: true, family: 6 })).address, [
      { address: '::1', family: 6 },
    ]);
    assert.equal((await callLookup(local, '127.1', {})).address, '127.0.0.1');
    assert.equal((await callLookup(guard(''), '0x7f.1', {})).error?.code, BLOCKED_ADDRESS_ERROR_CODE);
  });

  test('passes resolver errors through', async () => {
    const answer = await callLookup(guard('', resolve), 'missing.example.test', { all: true });
    assert.equal(answer.error?.code, 'ENOTFOUND');
  });
});

describe('over real loopback sockets', () => {
  let server: Server;
  let port: number;
  let connections = 0;

  before(async () => {
    server = createServer((_req, res) => {
      res.end('received');
    });
    server.on('connection', () => {
      connections++;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Sends one GET through a fresh guarded agent; returns the body or the error, and new connections. */
  async function send(
    allow: readonly Cidr[],
    url: string,
    lookup: Resolver = noDns,
  ): Promise<{ body?: string; error?: NodeJS.ErrnoException; connections: number }> {
    const agent = new SsrfGuard({ allow, lookup }).createAgent({ connectTimeoutMs: 2_000 });
    const before = connections;
    try {
      const response = await request(url, { dispatcher: agent });
      return { body: await response.body.text(), connections: connections - before };
    } catch (error) {
      return { error: error as NodeJS.ErrnoException, connections: connections - before };
    } finally {
      await agent.close();
    }
  }

  test('delivers to 127.0.0.1 and localhost when loopback is allowed', async () => {
    const allow = parseCidrList('127.0.0.0/8');
    assert.deepEqual(await send(allow, `http://127.0.0.1:${port}/`), { body: 'received', connections: 1 });
    assert.deepEqual(await send(allow, `http://localhost:${port}/`), { body: 'received', connections: 1 });
    assert.deepEqual(await send(allow, `http://0x7f.1:${port}/`), { body: 'received', connections: 1 });
  });

  test('refuses the same targets with an empty allow list, before any connection', async () => {
    for (const url of [
      `http://127.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      `http://2130706433:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `https://127.0.0.1:${port}/`,
      `https://localhost:${port}/`,
    ]) {
      const outcome = await send([], url);
      assert.equal(outcome.error?.code, BLOCKED_ADDRESS_ERROR_CODE, url);
      assert.ok(outcome.error instanceof BlockedAddressError, url);
      assert.equal(outcome.connections, 0, url);
    }
  });

  test('connects only to the allowed address of a name with several', async (t) => {
    // A second receiver on 127.0.0.2, same port, stands in for the refused address: loopback, so a
    // broken guard still sends nothing off the machine, but a dial to it would be counted.
    const refused = createServer((_req, res) => res.end('refused'));
    let refusedConnections = 0;
    refused.on('connection', () => {
      refusedConnections++;
    });
    const listening = await new Promise<boolean>((resolve) => {
      refused.once('error', () => resolve(false));
      refused.listen(port, '127.0.0.2', () => resolve(true));
    });
    if (!listening) {
      t.skip('127.0.0.2 is not a loopback address on this system');
      return;
    }
    try {
      const resolve = tableResolver({ 'hooks.example.test': ['127.0.0.2', '127.0.0.1'] });
      const outcome = await send(
        parseCidrList('127.0.0.1/32'),
        `http://hooks.example.test:${port}/`,
        resolve,
      );
      assert.deepEqual(outcome, { body: 'received', connections: 1 });
      assert.equal(refusedConnections, 0);
      assert.deepEqual(resolve.calls, ['hooks.example.test']);
    } finally {
      await new Promise<void>((resolve) => refused.close(() => resolve()));
    }
  });

  test('a name that rebinds to loopback after passing checkUrl is still refused at connect time', async () => {
    const answers = ['93.184.216.34', '127.0.0.1'];
    const rebinding: Resolver = async () => {
      const address = answers.shift() ?? '127.0.0.1';
      return [{ address, family: 4 }];
    };
    const url = `http://rebind.example.test:${port}/`;
    assert.deepEqual(await new SsrfGuard({ allow: [], lookup: rebinding }).checkUrl(url), { ok: true });
    const outcome = await send([], url, rebinding);
    assert.equal(outcome.error?.code, BLOCKED_ADDRESS_ERROR_CODE);
    assert.equal(outcome.connections, 0);
  });

  test('tls.connect goes through the guarded lookup too', async () => {
    // The receiver speaks plain HTTP, so the TLS handshake fails; what matters is that the TCP
    // connection was made only when the lookup allowed it.
    const allowed = await send(parseCidrList('127.0.0.0/8'), `https://localhost:${port}/`);
    assert.notEqual(allowed.error?.code, BLOCKED_ADDRESS_ERROR_CODE);
    assert.ok(allowed.error);
    assert.equal(allowed.connections, 1);
  });

  test('net.connect with autoSelectFamily off uses the single-address form', async () => {
    const checker = guard('127.0.0.0/8');
    const before = connections;
    await new Promise<void>((resolve, reject) => {
      const socket = netConnect({ host: 'localhost', port, autoSelectFamily: false, lookup: checker.lookup });
      socket.on('connect', () => {
        assert.equal(socket.remoteAddress, '127.0.0.1');
        socket.destroy();
        resolve();
      });
      socket.on('error', reject);
    });
    // The server counts the connection on its side of the loopback, possibly a tick later.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(connections - before, 1);
  });
});
