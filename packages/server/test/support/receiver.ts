/**
 * A real webhook receiver on 127.0.0.1 port 0 that records every request and answers as the test
 * scripts it: a status, headers and body, a hang, or anything a raw handler does with the socket.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** One request the receiver got. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly receivedAt: number;
}

/** How to answer one request. */
export type ReceiverAnswer =
  | { status: number; headers?: Record<string, string>; body?: string }
  | 'hang'
  | { raw: (req: IncomingMessage, res: ServerResponse) => void };

/** A running receiver. */
export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Sets how to answer: a fixed answer or a function of the request number (0-based) and request. */
  answer(answer: ReceiverAnswer | ((index: number, request: ReceivedRequest) => ReceiverAnswer)): void;
  close(): Promise<void>;
}

/** Starts a receiver that answers 200 until told otherwise. */
export async function startReceiver(path = '/webhook'): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let answerFor: (index: number, request: ReceivedRequest) => ReceiverAnswer = () => ({
    status: 200,
    body: 'ok',
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      };
      const index = requests.push(received) - 1;
      const answer = answerFor(index, received);
      if (answer === 'hang') return;
      if ('raw' in answer) return answer.raw(req, res);
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    answer(answer) {
      answerFor = typeof answer === 'function' ? answer : () => answer;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** How many requests an answer from {@link countInFlight} holds at once, and has let go of. */
export interface InFlight {
  readonly now: number;
  readonly most: number;
  readonly ended: number;
}

/**
 * A raw answer that counts the requests it holds at once. `hold` gets each response and a `done` to
 * call just before answering; a response whose connection closes first counts as done then.
 */
export function countInFlight(hold: (res: ServerResponse, done: () => void) => void): {
  readonly answer: ReceiverAnswer;
  readonly inFlight: InFlight;
} {
  const inFlight = { now: 0, most: 0, ended: 0 };
  return {
    inFlight,
    answer: {
      raw: (_req, res) => {
        inFlight.now++;
        inFlight.most = Math.max(inFlight.most, inFlight.now);
        let finished = false;
        const done = () => {
          if (finished) return;
          finished = true;
          inFlight.now--;
          inFlight.ended++;
        };
        res.on('close', done);
        hold(res, done);
      },
    },
  };
}

/** An answer of 200 after `delayMs`, counting the requests it holds at once (see {@link countInFlight}). */
export function answeringAfter(delayMs: number): ReturnType<typeof countInFlight> {
  return countInFlight((res, done) =>
    setTimeout(() => {
      done();
      res.writeHead(200).end();
    }, delayMs),
  );
}
