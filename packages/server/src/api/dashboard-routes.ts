/**
 * The web dashboard's files: its page at `/` (and at every screen's path, so a reload or a shared
 * link opens the same screen) and its assets under `/assets/`. The dashboard is a browser app that
 * speaks only API v1 with the token it holds in memory; nothing here reads a token or sets a cookie.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** One file held in memory, with its gzip form when that is smaller. */
interface ServedFile {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer | null;
}

/** What the dashboard's routes need. */
export interface DashboardOptions {
  /** The built dashboard: `index.html` and `assets/`. */
  readonly dir: string;
  /** Origins that may frame the pages; empty: none may. */
  readonly frameAncestors: readonly string[];
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function load(path: string): ServedFile {
  const body = readFileSync(path);
  const dot = path.lastIndexOf('.');
  const gzip = gzipSync(body, { level: 9 });
  return {
    type: TYPES[path.slice(dot)] ?? 'application/octet-stream',
    body,
    gzip: gzip.length < body.length ? gzip : null,
  };
}

function send(request: FastifyRequest, reply: FastifyReply, file: ServedFile): FastifyReply {
  reply.type(file.type).header('vary', 'accept-encoding');
  const accepts = request.headers['accept-encoding'];
  if (file.gzip && typeof accepts === 'string' && /\bgzip\b/.test(accepts)) {
    return reply.header('content-encoding', 'gzip').send(file.gzip);
  }
  return reply.send(file.body);
}

/**
 * The page's security headers. No inline script or style is allowed, so an injected `<script>` in
 * any text the dashboard shows (an endpoint's description, a response body) cannot run; the page
 * talks to its own origin only; and it may be framed only by the origins the operator listed.
 */
export function pageSecurityHeaders(frameAncestors: readonly string[]): Record<string, string> {
  const ancestors = frameAncestors.length === 0 ? "'none'" : frameAncestors.join(' ');
  const headers: Record<string, string> = {
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      `frame-ancestors ${ancestors}`,
    ].join('; '),
    // The portal's token arrives in the URL fragment, which browsers never send; no-referrer keeps
    // even the page's path from reaching a site a merchant follows a link to.
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-cache',
  };
  // Browsers too old for frame-ancestors read X-Frame-Options; it cannot name origins, so it is sent
  // only when no origin may frame the page.
  if (frameAncestors.length === 0) headers['x-frame-options'] = 'DENY';
  return headers;
}

/** Whether a request is a browser asking for a page (rather than a client asking for JSON). */
export function wantsPage(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (request.url.startsWith('/v1/') || request.url === '/v1') return false;
  const accept = request.headers.accept;
  return typeof accept === 'string' && accept.includes('text/html');
}

/** The dashboard's page and assets, loaded once. */
export interface Dashboard {
  /** Answers with the dashboard's page. */
  sendPage(request: FastifyRequest, reply: FastifyReply): FastifyReply;
}

/**
 * Loads the built dashboard into memory (about 40 KB gzipped) and registers `/assets/:name`.
 * Asset names carry a hash of their contents, so they are cached for a year; the page is revalidated.
 */
export function registerDashboardRoutes(app: FastifyInstance, options: DashboardOptions): Dashboard {
  const page = load(join(options.dir, 'index.html'));
  const assets = new Map<string, ServedFile>();
  for (const name of readdirSync(join(options.dir, 'assets'))) {
    if (!name.endsWith('.tmp')) assets.set(name, load(join(options.dir, 'assets', name)));
  }
  const headers = pageSecurityHeaders(options.frameAncestors);

  app.get('/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const file = assets.get((request.params as { name: string }).name);
    if (!file) return reply.callNotFound();
    reply.header('cache-control', 'public, max-age=31536000, immutable');
    reply.header('x-content-type-options', 'nosniff');
    return send(request, reply, file);
  });

  return {
    sendPage(request, reply) {
      reply.headers(headers);
      return send(request, reply, page);
    },
  };
}
