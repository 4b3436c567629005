/**
 * Requests that Node's HTTP server refuses before any route sees them (malformed, cut short, late,
 * with headers too large) are answered with problem details and a stable code, and the connection is
 * closed; a client that aborts its upload is one line at `info`, without a stack. Raw sockets against
 * a real server on port 0, with `HOOKLINE_REQUEST_TIMEOUT=300ms`.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../src/observability/logger.ts';
import { startTestServer, type TestServer, waitFor } from './support/test-server.ts';

/** What came back on a connection, until the server closed it. */
interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields ad hoc and assert on them
  readonly body: any;
}

/**
 * Sends `payload` on a new connection, then half-closes it when `end` is set, and resolves with the
 * answer once the server closes the connection.
 */
function sendRaw(port: number, payload: string, options: { end?: boolean } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let failure: Error | undefined;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A reset after the answer (the server closes with the client's bytes unread) is not a failure.
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString();
      const [head = '', body = ''] = text.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      try {
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) });
      } catch {
        reject(
          new Error(`not a problem document: ${JSON.stringify(text)} (${failure?.message ?? 'closed'})`),
        );
      }
    });
    // Should the server never close the connection, the test fails instead of waiting for ever.
    socket.setTimeout(10_000, () => socket.destroy());
    socket.write(payload);
    if (options.end) socket.end();
  });
}

function assertProblem(answer: RawAnswer, status: number, code: string): void {
  const body = JSON.stringify(answer.body);
  assert.equal(answer.status, status, body);
  assert.equal(answer.headers['content-type'], 'application/problem+json', body);
  assert.equal(answer.headers['connection'], 'close', body);
  assert.equal(answer.body.code, code, body);
  assert.equal(answer.body.status, status, body);
  assert.equal(answer.body.type, `https://hookline.dev/errors#${code}`, body);
  assert.equal(typeof answer.body.title, 'string', body);
  assert.equal(typeof answer.body.detail, 'string', body);
}

describe('errors of the HTTP server itself', () => {
  let t: TestServer;
  let port: number;
  let publishHead: string;
  const logLines: Array<Record<string, unknown>> = [];

  before(async () => {
    const logger = createLogger('info', {
      write: (line: string) => logLines.push(JSON.parse(line) as Record<string, unknown>),
    });
    t = await startTestServer({ HOOKLINE_REQUEST_TIMEOUT: '300ms' }, { logger });
    port = t.server.port;
    const account = await t.createAccount('Raw shop');
    publishHead =
      `POST /v1/accounts/${account.id}/events HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Authorization: Bearer ${t.adminToken}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n`;
  });

  after(async () => {
    await t.close();
  });

  it('answers a body shorter than its Content-Length, then the client’s end, with 400 malformed_request', async () => {
    const answer = await sendRaw(port, `${publishHead}{"type":"shop.order.paid",`, { end: true });
    assertProblem(answer, 400, 'malformed_request');
  });

  it('answers headers that end with the connection with 400 malformed_request', async () => {
    const answer = await sendRaw(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', { end: true });
    assertProblem(answer, 400, 'malformed_request');
  });

  it('answers a request that is not HTTP with 400 malformed_request', async () => {
    assertProblem(await sendRaw(port, 'HELLO THERE\r\n\r\n'), 400, 'malformed_request');
    assertProblem(
      await sendRaw(port, 'GET /healthz HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n'),
      400,
      'malformed_request',
    );
  });

  it('answers a body that stops coming with 408 request_timeout and closes the connection', async () => {
    // The connection stays open from the client's side: only the server's timeout ends it.
    const answer = await sendRaw(port, `${publishHead}{"type":"shop.order.paid",`);
    assertProblem(answer, 408, 'request_timeout');
    assert.match(answer.body.detail, /300ms/);
  });

  it('answers headers that stop coming with 408 request_timeout', async () => {
    assertProblem(
      await sendRaw(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'),
      408,
      'request_timeout',
    );
  });

  it('answers headers larger than 16 KiB with 431 headers_too_large', async () => {
    const answer = await sendRaw(
      port,
      `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    assertProblem(answer, 431, 'headers_too_large');
  });

  it('logs an upload that an authenticated client aborts at info, without a stack', async () => {
    const before = logLines.length;
    const account = await t.createAccount('Aborting shop');
    const head =
      `POST /v1/accounts/${account.id}/endpoints HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
      `Authorization: Bearer ${account.apiKey}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n`;
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    // The connection is reset once the server has taken the request (its headers and the first part
    // of the body) and handed it to the routes.
    const taken = new Promise<void>((resolve) => t.server.app.server.once('request', () => resolve()));
    socket.write(`${head}{"url":"https://hooks.example.invalid/in",`);
    await taken;
    socket.resetAndDestroy();
    const aborted = await waitFor(
      () =>
        logLines
          .slice(before)
          .find((line) => line['msg'] === 'the connection closed before the whole request was read'),
      { what: 'the aborted upload to be logged' },
    );
    assert.equal(aborted['level'], 30, JSON.stringify(aborted));
    assert.equal(aborted['err'], undefined, 'no error object, so no stack');
    assert.ok(typeof aborted['reqId'] === 'string', 'the line names the request');
    const since = logLines.slice(before);
    assert.deepEqual(
      since.filter((line) => (line['level'] as number) >= 40),
      [],
      'nothing at warn or error',
    );
    assert.ok(!JSON.stringify(since).includes('"stack"'), JSON.stringify(since));
  });

  it('logs the refused requests at info, without a stack, and still answers', async () => {
    const refused = logLines.filter(
      (line) => line['msg'] === 'closed a connection whose request was malformed, incomplete or late',
    );
    assert.deepEqual([...new Set(refused.map((line) => line['code']))].sort(), [
      'headers_too_large',
      'malformed_request',
      'request_timeout',
    ]);
    for (const line of refused) {
      assert.equal(line['level'], 30);
      assert.equal(line['err'], undefined);
    }
    assert.deepEqual(
      logLines.filter((line) => (line['level'] as number) >= 50),
      [],
      'nothing at error level',
    );
    assert.equal((await t.api.call('GET', '/healthz', { token: null })).status, 200);
  });
});
