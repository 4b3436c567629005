/**
 * JSON logs on standard output (pino). Secrets must never reach a log line: the redaction list is a
 * second line of defence behind the habit of logging ids, never URLs, headers or bodies.
 */
import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/config.ts';

/** Creates the server's logger. */
export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'hookline' },
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          '*.secret',
          '*.apiKey',
          '*.key',
          '*.token',
          '*.adminToken',
          'secret',
          'apiKey',
          'key',
          'token',
          'adminToken',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
