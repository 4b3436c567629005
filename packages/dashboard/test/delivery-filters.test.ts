/**
 * The deliveries filters and the address that keeps them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  filtersFromQuery,
  hasFilters,
  isoOfLocalInput,
  localInputOfIso,
  NO_FILTERS,
  queryOfFilters,
} from '../src/delivery-filters.ts';

describe('delivery filters', () => {
  test('go to the address and come back the same', () => {
    const filters = {
      status: 'failed' as const,
      endpointId: 'ep_01',
      eventType: 'order.paid',
      since: '2025-05-02T12:00:00.000Z',
      until: '2025-05-03T12:00:00.000Z',
    };
    const query = queryOfFilters(filters);
    assert.equal(
      query,
      '?status=failed&endpointId=ep_01&eventType=order.paid&since=2025-05-02T12%3A00%3A00.000Z&until=2025-05-03T12%3A00%3A00.000Z',
    );
    assert.deepEqual(filtersFromQuery(Object.fromEntries(new URLSearchParams(query))), filters);
  });

  test('no filter is no query', () => {
    assert.equal(queryOfFilters(NO_FILTERS), '');
    assert.equal(hasFilters(NO_FILTERS), false);
    assert.equal(hasFilters({ ...NO_FILTERS, status: 'pending' }), true);
  });

  test('drop what is unknown or malformed', () => {
    assert.deepEqual(
      filtersFromQuery({ status: 'lost', since: 'yesterday', token: 'hk_secret', eventType: ' x ' }),
      {
        ...NO_FILTERS,
        eventType: 'x',
      },
    );
  });

  test('times show in the browser’s zone and travel as ISO', () => {
    const local = localInputOfIso('2025-05-02T12:34:56.000Z');
    assert.match(local, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
    // Back from the input the seconds are gone, the minute is the same.
    assert.equal(isoOfLocalInput(local), '2025-05-02T12:34:00.000Z');
    assert.equal(isoOfLocalInput(''), '');
    assert.equal(isoOfLocalInput('not a time'), '');
    assert.equal(localInputOfIso(''), '');
    assert.equal(localInputOfIso('nonsense'), '');
  });
});
