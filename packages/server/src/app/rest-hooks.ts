/**
 * REST Hooks, the subscription protocol of integration platforms (Zapier, Make and the like): with the
 * account's API key, the platform subscribes a target URL to one event type and unsubscribes it when
 * the user turns the integration off. A hook is an endpoint (`source: rest_hook`), so it is signed,
 * retried and logged like any other; a 410 from its target unsubscribes it (the REST Hooks convention).
 */
import type { EndpointRecord } from '../store/store.ts';
import { AppError, notFound } from './app-error.ts';
import type { Actor } from './audit-log.ts';
import type { AppContext } from './context.ts';
import { createEndpoint, deleteEndpoint } from './endpoints.ts';

/** A subscription as the platform sends it. */
export interface HookInput {
  readonly targetUrl: string;
  readonly event: string;
}

/** Subscribes a target URL to an event type; the endpoint's id is the hook's id. */
export async function subscribeHook(
  ctx: AppContext,
  accountId: string,
  input: HookInput,
  actor: Actor,
): Promise<EndpointRecord> {
  try {
    return await createEndpoint(
      ctx,
      accountId,
      { urls: [input.targetUrl], eventTypes: [input.event], description: `REST hook for ${input.event}` },
      'rest_hook',
      null,
      actor,
    );
  } catch (error) {
    // The platform sent `target_url` and `event`: name those fields, not the endpoint's.
    if (error instanceof AppError && error.field === 'urls') {
      throw new AppError(error.code, error.message, 'target_url', error.details);
    }
    if (error instanceof AppError && error.field === 'eventTypes[0]') {
      throw new AppError(error.code, error.message, 'event', error.details);
    }
    throw error;
  }
}

/** Removes a subscription; only hooks are reachable this way, never endpoints made by hand. */
export async function unsubscribeHook(
  ctx: AppContext,
  accountId: string,
  hookId: string,
  actor: Actor,
): Promise<void> {
  const endpoint = await ctx.store.getEndpoint(accountId, hookId);
  if (endpoint?.source !== 'rest_hook') throw notFound('hook', 'hookId');
  await deleteEndpoint(ctx, accountId, hookId, null, actor);
}
