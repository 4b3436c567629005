/**
 * The rule both stores apply to an endpoint change under the account's active-URL limit.
 */
import type { EndpointChanges, EndpointRecord } from './store.ts';

/**
 * The endpoint's URLs to count against the limit after `changes`, or `undefined` when the change
 * adds no receiving URL. Only such a change is held to the limit: an account above it (the admin
 * lowered it) can still edit its endpoints in other ways, or disable them.
 */
export function urlsHeldToLimit(
  before: EndpointRecord,
  changes: EndpointChanges,
): readonly string[] | undefined {
  const urlsAfter = changes.urls ?? before.urls;
  const enabledAfter = changes.enabled ?? before.enabled;
  const addsUrls = enabledAfter && (!before.enabled || urlsAfter.some((url) => !before.urls.includes(url)));
  return addsUrls ? urlsAfter : undefined;
}
