/**
 * Every endpoint of an account, page by page. The screens that present endpoints as something else
 * (Settings > Webhooks, Connections, an upsell's Advanced tab) need all of them to find the ones they
 * show, and an account has tens, not thousands, so reading them all is a request or two.
 */
import type { ApiClient, ListPage } from './api-client.ts';
import type { Endpoint } from './api-types.ts';

/** The most a list route gives in one page that the screens ask for; fewer round trips, small answers. */
const PAGE_SIZE = 100;

/** Reads `GET …/endpoints` until `nextCursor` is `null`. */
export async function fetchAllEndpoints(api: ApiClient, accountId: string): Promise<Endpoint[]> {
  const all: Endpoint[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<ListPage<Endpoint>>(
      `/v1/accounts/${encodeURIComponent(accountId)}/endpoints`,
      {
        limit: PAGE_SIZE,
        cursor,
      },
    );
    all.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return all;
}
