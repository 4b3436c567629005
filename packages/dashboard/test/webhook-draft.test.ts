/**
 * The webhook form's contents as an API request, and API problems traced back to the form's inputs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Endpoint } from '../src/api-types.ts';
import {
  bodyOf,
  draftOf,
  draftProblem,
  emptyHeaderRow,
  headerRowId,
  INPUT,
  inputOfField,
  splitList,
  type WebhookDraft,
} from '../src/webhook-draft.ts';

const endpoint = {
  id: 'ep_1',
  url: 'https://a.example/x,https://b.example/y',
  urls: ['https://a.example/x', 'https://b.example/y'],
  description: 'PayGate agreements',
  eventTypes: ['subscription.*'],
  enabled: true,
  disabledReason: null,
  headers: { 'X-Shop-Id': 'acme' },
  plugIds: ['plug_1', 'plug_2'],
  productIds: [],
  checkoutIds: [],
  upsellIds: [],
  fields: ['subscription.agreementId'],
  format: 'form',
  ordered: true,
  userAgent: 'PayGate - Webhooks',
} as unknown as Endpoint;

describe('the webhook draft', () => {
  test('an endpoint fills the form, and the form gives the same settings back', () => {
    const draft = draftOf(endpoint);
    assert.equal(draft.url, 'https://a.example/x, https://b.example/y');
    assert.equal(draft.plugs, 'plug_1, plug_2');
    assert.deepEqual(bodyOf(draft), {
      url: 'https://a.example/x, https://b.example/y',
      description: 'PayGate agreements',
      eventTypes: ['subscription.*'],
      plugIds: ['plug_1', 'plug_2'],
      fields: ['subscription.agreementId'],
      format: 'form',
      ordered: true,
      userAgent: 'PayGate - Webhooks',
      headers: { 'X-Shop-Id': 'acme' },
    });
    assert.equal(bodyOf(draftOf(null)).ordered, false, 'a new webhook is not ordered unless ticked');
  });

  test('an empty User-Agent is none, empty header rows and list items are left out', () => {
    const draft: WebhookDraft = {
      ...draftOf(null),
      url: ' https://a.example/x ',
      eventTypes: ['*'],
      plugs: ' , plug_1,,',
      userAgent: '  ',
      headers: [emptyHeaderRow(), { key: 99, name: ' X-A ', value: 'v' }],
    };
    const body = bodyOf(draft);
    assert.equal(body.url, 'https://a.example/x');
    assert.deepEqual(body.plugIds, ['plug_1']);
    assert.equal(body.userAgent, null);
    assert.deepEqual(body.headers, { 'X-A': 'v' });
    assert.deepEqual(splitList(''), []);
  });

  test('what is checked before asking the API', () => {
    const empty = draftOf(null);
    assert.deepEqual(draftProblem(empty), { input: INPUT.url, problem: 'required' });
    assert.deepEqual(draftProblem({ ...empty, url: 'https://a.example' }), {
      input: INPUT.events,
      problem: 'noEvents',
    });
    const nameless = {
      ...empty,
      url: 'https://a.example',
      eventTypes: ['*'],
      headers: [{ key: 1, name: '', value: 'x' }],
    };
    assert.deepEqual(draftProblem(nameless), { input: headerRowId(0), problem: 'headerName' });
    assert.equal(draftProblem({ ...nameless, headers: [] }), null);
  });

  test('API fields lead to the inputs that hold them', () => {
    const draft = draftOf(endpoint);
    for (const [field, input] of [
      ['url', INPUT.url],
      ['urls', INPUT.url],
      ['urls[2]', INPUT.url],
      ['description', INPUT.name],
      ['eventTypes', INPUT.events],
      ['eventTypes[0]', INPUT.events],
      ['plugIds[1]', INPUT.plugs],
      ['fields[3]', INPUT.fields],
      ['format', INPUT.format],
      ['ordered', INPUT.ordered],
      ['userAgent', INPUT.userAgent],
      ['headers', INPUT.headers],
      ['headers.x-shop-id', headerRowId(0)],
      ['headers.Other', INPUT.headers],
    ] as const) {
      assert.equal(inputOfField(field, draft), input, field);
    }
    assert.equal(inputOfField('enabled', draft), undefined);
    assert.equal(inputOfField('endpointId', draft), undefined);
  });
});
