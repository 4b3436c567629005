/**
 * The errors Node's HTTP server raises itself, before a request reaches a route: a request that is
 * not valid HTTP/1.1 or that ends before it is complete, one that has not arrived in full within the
 * request timeout, and headers larger than Node reads. Node would answer them in its own words; here
 * they leave as problem details with a stable code, like every other error, and the connection is
 * closed (what follows on it cannot be read as a request).
 */
import { maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../app/app-error.ts';
import { formatDurationMs } from '../domain/duration.ts';
import { problemOf } from './error-response.ts';

/** The problem a client error of Node's HTTP server is answered with. */
export function clientErrorProblem(error: NodeJS.ErrnoException, requestTimeoutMs: number): AppError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new AppError(
        'request_timeout',
        `the request did not arrive in full within ${formatDurationMs(requestTimeoutMs)}`,
      );
    case 'HPE_HEADER_OVERFLOW':
      return new AppError(
        'headers_too_large',
        `the request line and headers are larger than ${maxHeaderSize} bytes`,
      );
    case 'HPE_INVALID_EOF_STATE':
      // Headers that never ended, or a body shorter than its Content-Length, then the client's end.
      return new AppError('malformed_request', 'the connection was closed before the whole request arrived');
    default:
      return new AppError('malformed_request', 'the request is not valid HTTP/1.1');
  }
}

/**
 * Answers a client error (Fastify's `clientErrorHandler`, Node's `clientError` event) with problem
 * details, then closes the connection.
 */
export function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Socket,
  options: { readonly logger: FastifyBaseLogger; readonly requestTimeoutMs: number },
): void {
  // A reset connection is gone already: there is nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem = problemOf(clientErrorProblem(error, options.requestTimeoutMs));
  options.logger.info(
    { code: problem.body['code'], cause: error.code, remoteAddress: socket.remoteAddress },
    'closed a connection whose request was malformed, incomplete or late',
  );
  // As Node does itself (`socketOnError` in lib/_http_server.js): an answer is written only when no
  // response on this connection has started, or it would corrupt that one for the client.
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const body = JSON.stringify(problem.body);
    socket.write(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\n` +
        'Content-Type: application/problem+json\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy();
}
