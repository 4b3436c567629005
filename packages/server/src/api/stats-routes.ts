/**
 * Figures for dashboards: `GET /v1/accounts/{accountId}/endpoint-stats` (each webhook's recent
 * attempts) and `GET /v1/stats` (the operator's overview of this server).
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app/context.ts';
import { visibleEndpointIds } from '../app/endpoints.ts';
import { endpointStats, storeOverview } from '../app/stats.ts';
import type { Metrics } from '../observability/metrics.ts';
import { accountInPath, adminOnly, endpointScopeOf } from './access.ts';
import { endpointStatsOut } from './representations.ts';
import { AccountParams, EndpointStatsOut, EndpointStatsQuery, responses, StatsOut } from './schemas.ts';

/** Registers the statistics routes; the overview reads `metrics`, the counters `/metrics` exposes. */
export function registerStatsRoutes(app: FastifyInstance, ctx: AppContext, metrics: Metrics): void {
  app.get(
    '/accounts/:accountId/endpoint-stats',
    {
      schema: {
        tags: ['endpoints'],
        summary: 'Attempts per endpoint since a time (default: the last 24 hours)',
        description:
          'Every HTTP request made to each endpoint of the account since `since`, by the time it started: ' +
          'first attempts, retries and resends alike; `failed` counts those that did not succeed. ' +
          'Endpoints without attempts in the period are left out; deleted endpoints are not shown.',
        params: AccountParams,
        querystring: EndpointStatsQuery,
        response: responses(200, EndpointStatsOut),
      },
    },
    async (request) => {
      const accountId = await accountInPath(ctx, request);
      const { since } = request.query as EndpointStatsQuery;
      const visible = await visibleEndpointIds(ctx, accountId, endpointScopeOf(request));
      const stats = await endpointStats(ctx, accountId, since, visible);
      return { since: new Date(stats.sinceMs).toISOString(), data: stats.endpoints.map(endpointStatsOut) };
    },
  );

  app.get(
    '/stats',
    {
      onRequest: adminOnly,
      schema: {
        tags: ['operations'],
        summary: 'The server’s own figures for a live overview (admin)',
        description:
          'The counters (`eventsPublished`, `deliveriesCreated`, `attemptsSucceeded`, `attemptsFailed`) ' +
          'count from the start of the process that answers, from the same counters as `/metrics`: poll ' +
          'twice and divide the difference by the time between the two `at` for a rate. With PostgreSQL ' +
          'and several processes, each process counts only its own work (publishes in API processes, ' +
          'attempts in worker processes), and a restart starts again from zero. `backlog`, ' +
          '`disabledEndpoints` and `accounts` are read from the database and are the same everywhere.',
        response: responses(200, StatsOut),
      },
    },
    async () => {
      const at = ctx.now();
      const [counters, store] = await Promise.all([metrics.totals(), storeOverview(ctx)]);
      return { at: new Date(at).toISOString(), ...counters, ...store };
    },
  );
}
