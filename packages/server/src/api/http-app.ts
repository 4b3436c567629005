/**
 * The HTTP application: body parsing, validation, authentication, the operations routes and the
 * v1 routes. Built by `server.ts`; tests use it in-process with `app.inject()`.
 */
import swagger from '@fastify/swagger';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Logger } from 'pino';
import secureJson from 'secure-json-parse';
import { authenticate, isPortalToken, type Principal } from '../app/accounts.ts';
import { AppError } from '../app/app-error.ts';
import type { AppContext } from '../app/context.ts';
import { tokenDigest } from '../app/credentials.ts';
import type { Metrics } from '../observability/metrics.ts';
import { registerAccountRoutes } from './account-routes.ts';
import { registerApiKeyRoutes } from './api-key-routes.ts';
import { registerAuditLogRoutes } from './audit-log-routes.ts';
import { answerClientError } from './client-errors.ts';
import {
  type Dashboard,
  type DashboardOptions,
  registerDashboardRoutes,
  wantsPage,
} from './dashboard-routes.ts';
import { registerEndpointRoutes } from './endpoint-routes.ts';
import { registerErasureRoutes } from './erasure-routes.ts';
import { sendProblem, toAppError } from './error-response.ts';
import { registerEventTypeRoutes } from './event-type-routes.ts';
import { registerHookRoutes } from './hook-routes.ts';
import { registerPortalSessionRoutes } from './portal-session-routes.ts';
import { applyRateLimits, type RateLimiter } from './rate-limit.ts';
import { Problem } from './schemas.ts';
import { registerStatsRoutes } from './stats-routes.ts';
import { registerWhoamiRoute } from './whoami-route.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling; set by the authentication hook on `/v1` routes. */
    principal: Principal | null;
  }
}

/** What the HTTP layer needs. */
export interface HttpAppOptions {
  readonly ctx: AppContext;
  readonly adminToken: string;
  readonly metrics: Metrics;
  /** The API rate limits of this process, applied to every authenticated `/v1` request. */
  readonly rateLimiter: RateLimiter;
  readonly logger: Logger;
  readonly version: string;
  /** Whether the process accepts work (false while starting or draining), for `/readyz`. */
  readonly isAccepting: () => boolean;
  /** `false` in a worker process: only the operations routes are served. Default `true`. */
  readonly serveApi?: boolean;
  /** The built web dashboard to serve at `/`; without it, `/` answers what the server is in JSON. */
  readonly dashboard?: DashboardOptions | undefined;
  /** How long a request (headers and body) may take to arrive before it is answered 408. */
  readonly requestTimeoutMs: number;
}

/** Builds the Fastify application (not listening yet). */
export async function buildHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const { ctx } = options;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // Request lines would cost more than the work at 10,000 publishes/s; failures are logged on their own.
    logController: new LogController({ disableRequestLogging: true }),
    // Room for the envelope around the largest event; the event's own size is checked exactly.
    bodyLimit: ctx.maxEventBytes + 64 * 1024,
    return503OnClosing: true,
    requestIdHeader: 'x-request-id',
    // Event ids may be 128 characters (EVENT_ID_PATTERN); the router's default of 100 refused them.
    routerOptions: { maxParamLength: 128 },
    // Paths the router cannot match (bad percent-encoding, a longer segment) answer as problems too.
    frameworkErrors: (error, request, reply) => sendProblem(reply, toAppError(error, request)),
    // A body that stops coming would otherwise hold its connection until the client gives up. Node
    // looks for late requests every `connectionsCheckingInterval`, 30 s by default, which would make
    // a 30 s timeout anything up to 60 s: every tenth of the timeout, at most every second, keeps the
    // answer within 10 % of it.
    requestTimeout: options.requestTimeoutMs,
    http: {
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: options.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1_000, Math.ceil(options.requestTimeoutMs / 10)),
    },
    // Malformed, late and oversized requests that never reach a route answer as problems too.
    clientErrorHandler: (error, socket) =>
      answerClientError(error, socket, {
        logger: options.logger,
        requestTimeoutMs: options.requestTimeoutMs,
      }),
  });

  // Two validators: bodies are taken exactly as sent (no type coercion, unknown fields refused by the
  // schemas), while query strings and path parameters are text and need coercion to numbers.
  const bodyAjv = addFormats.default(
    new Ajv.default({ coerceTypes: false, useDefaults: true, removeAdditional: false, strict: false }),
  );
  const paramAjv = addFormats.default(
    new Ajv.default({ coerceTypes: true, useDefaults: true, removeAdditional: false, strict: false }),
  );
  app.setValidatorCompiler(({ schema, httpPart }) => {
    if (httpPart !== 'body') return paramAjv.compile(schema);
    const validate = bodyAjv.compile(schema);
    // No body at all reads as `{}`: a rotation needs none, and elsewhere the first missing field is named.
    return (data: unknown) => {
      const value = data ?? {};
      return validate(value) ? { value } : { error: validate.errors ?? [] };
    };
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    // Routes without a body (rotate, test, retry) are often called with an empty JSON body.
    if (text.trim() === '') return done(null, undefined);
    let parsed: unknown;
    try {
      parsed = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch {
      return done(new AppError('invalid_json', 'the body is not valid JSON', 'body'), undefined);
    }
    // Fastify hands validators `null` for a missing body too, which reads as `{}` (above): a body of
    // `null` is refused here, as the schemas refuse any other body that is not an object.
    if (parsed === null) return done(new AppError('invalid_field', 'body must be object', 'body'), undefined);
    done(null, parsed);
  });
  app.addContentTypeParser('*', (_request, _payload, done) => {
    done(new AppError('unsupported_media_type', 'send the body as application/json', 'content-type'));
  });

  app.setErrorHandler((error, request, reply) => sendProblem(reply, toAppError(error, request)));
  // Every screen of the dashboard has its own path (`/webhooks`, `/deliveries`), so a reload or a
  // link opens that screen: a browser asking for a page anywhere outside `/v1` gets the dashboard.
  let dashboard: Dashboard | undefined;
  app.setNotFoundHandler((request, reply) => {
    if (dashboard && wantsPage(request)) return dashboard.sendPage(request, reply);
    return sendProblem(
      reply,
      new AppError('route_not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
    );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Hookline API',
        version: options.version,
        description: 'Durable, signed webhook delivery for payment, checkout and subscription platforms.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
  });
  app.addSchema(Problem);

  app.decorateRequest('principal', null);
  // Every answer names its request, so an `internal_error` can be found in the logs by its id.
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  if (options.serveApi !== false && options.dashboard) {
    dashboard = registerDashboardRoutes(app, options.dashboard);
  }
  registerOperationsRoutes(app, options, dashboard);

  if (options.serveApi === false) return app;
  const adminDigest = tokenDigest(options.adminToken);
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', async (request, reply) => {
        request.principal = await principalOf(request, ctx, adminDigest);
        applyRateLimits(options.rateLimiter, request.principal, reply);
      });
      registerAccountRoutes(v1, ctx);
      registerApiKeyRoutes(v1, ctx);
      registerPortalSessionRoutes(v1, ctx);
      registerEndpointRoutes(v1, ctx);
      registerEventTypeRoutes(v1, ctx);
      registerHookRoutes(v1, ctx);
      registerErasureRoutes(v1, ctx);
      registerStatsRoutes(v1, ctx, options.metrics);
      registerWhoamiRoute(v1, ctx);
      registerAuditLogRoutes(v1, ctx);
    },
    { prefix: '/v1' },
  );
  return app;
}

async function principalOf(
  request: FastifyRequest,
  ctx: AppContext,
  adminDigest: Buffer,
): Promise<Principal> {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) {
    throw new AppError(
      'unauthorized',
      'send Authorization: Bearer <admin token, account API key or portal session token>',
      'authorization',
    );
  }
  const principal = await authenticate(ctx, adminDigest, match[1]);
  if (!principal) {
    const detail = isPortalToken(match[1])
      ? 'the portal session expired or is not valid'
      : 'the token is not valid';
    throw new AppError('unauthorized', detail, 'authorization');
  }
  return principal;
}

function registerOperationsRoutes(
  app: FastifyInstance,
  options: HttpAppOptions,
  dashboard: Dashboard | undefined,
): void {
  const hidden = { schema: { hide: true } };
  app.get('/', hidden, async (request, reply) => {
    if (dashboard && wantsPage(request)) return dashboard.sendPage(request, reply);
    return {
      name: 'Hookline',
      version: options.version,
      api: '/v1',
      openapi: '/openapi.json',
      health: '/healthz',
      ...(dashboard ? { dashboard: '/' } : {}),
    };
  });
  app.get('/healthz', hidden, async () => ({ status: 'ok' }));
  app.get('/readyz', hidden, async (_request, reply) => {
    if (!options.isAccepting())
      return sendProblem(reply, new AppError('not_ready', 'the server is starting or stopping'));
    try {
      await options.ctx.store.ping();
    } catch {
      return sendProblem(reply, new AppError('not_ready', 'the database is not reachable'));
    }
    return { status: 'ready' };
  });
  app.get('/metrics', hidden, async (_request, reply) => {
    reply.type(options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });
  app.get('/openapi.json', hidden, async () => app.swagger());
}
