/**
 * Erasure of one customer (a GDPR request) from one account: every stored event that mentions the
 * customer (domain/erasure.ts) keeps its id and type but loses its data to a tombstone; the bodies
 * its attempts sent and got back are cleared; its deliveries not yet made are cancelled, so they are
 * never sent with the data afterwards. The erasure is recorded: who, when, from where, which criteria
 * and which events, never the customer's data.
 *
 * The account's events are read in pages, found first by their stored text (`LIKE`), then judged on
 * their parsed data; each page is erased in its own transaction, with the event loop yielded between
 * pages, so a large account does not hold publishing up.
 */
import { setImmediate as yieldTurn } from 'node:timers/promises';
import { type ErasureCriteria, erasedData, erasureNeedles, mentionsCustomer } from '../domain/erasure.ts';
import { type ErasureRecord, MAX_ERASURE_EVENT_IDS, type Page, type PageRequest } from '../store/store.ts';
import type { Principal } from './accounts.ts';
import { AppError } from './app-error.ts';
import { type Actor, auditEntry } from './audit-log.ts';
import type { AppContext } from './context.ts';

/** Events read per page. */
const PAGE = 500;

/** Who asked, as the erasure records it. */
export function requesterOf(principal: Principal): string {
  return principal.kind === 'admin' ? 'admin' : principal.kind === 'account' ? 'api_key' : 'portal_session';
}

/** Erases the customer from the account; the answer is the erasure as recorded. */
export async function eraseCustomer(
  ctx: AppContext,
  accountId: string,
  criteria: ErasureCriteria,
  actor: Actor,
): Promise<ErasureRecord> {
  const customerId = criteria.customerId?.trim() || undefined;
  const email = criteria.email?.trim() || undefined;
  if (customerId === undefined && email === undefined) {
    throw new AppError('missing_field', 'give customerId, email or both', 'customerId');
  }
  const given = { customerId, email };
  const id = ctx.newId('erasure');
  const nowMs = ctx.now();
  const tombstone = erasedData(id, nowMs);
  const needles = erasureNeedles(given);
  const totals = { events: 0, deliveriesCancelled: 0, attemptsCleared: 0 };
  const eventIds: string[] = [];
  let after = 0;
  for (;;) {
    const page = await ctx.store.findEventsContaining(accountId, needles, after, PAGE);
    const matching = page.filter((event) => mentionsCustomer(JSON.parse(event.dataJson), given));
    if (matching.length > 0) {
      const erased = await ctx.store.eraseEvents(
        accountId,
        matching.map((event) => event.seq),
        tombstone,
        ctx.now(),
      );
      totals.events += erased.events;
      totals.deliveriesCancelled += erased.deliveriesCancelled;
      totals.attemptsCleared += erased.attemptsCleared;
      for (const event of matching) if (eventIds.length < MAX_ERASURE_EVENT_IDS) eventIds.push(event.id);
    }
    if (page.length < PAGE) break;
    after = (page[page.length - 1] as { seq: number }).seq;
    await yieldTurn();
  }
  const record: ErasureRecord = {
    id,
    accountId,
    requestedBy: requesterOf(actor.principal),
    address: actor.address,
    criteria: [
      ...(customerId === undefined ? [] : ['customerId' as const]),
      ...(email === undefined ? [] : ['email' as const]),
    ],
    ...totals,
    eventIds,
    createdAt: nowMs,
  };
  const { events, deliveriesCancelled, attemptsCleared } = record;
  await ctx.store.recordErasure(
    record,
    auditEntry(ctx, actor, {
      action: 'erasure.created',
      accountId,
      targetType: 'erasure',
      targetId: id,
      details: { criteria: record.criteria, events, deliveriesCancelled, attemptsCleared },
    }),
  );
  return record;
}

/** The account's erasures, newest first. */
export function listErasures(
  ctx: AppContext,
  accountId: string,
  page: PageRequest,
): Promise<Page<ErasureRecord>> {
  return ctx.cursors.page('erasures', accountId, page, (inner) => ctx.store.listErasures(accountId, inner));
}
