import assert from 'node:assert/strict';
import { test } from 'node:test';
import { urlChangePlan } from './url-change.ts';

test('one URL replaced by one other takes its deliveries along', () => {
  assert.deepEqual(urlChangePlan(['https://a', 'https://b'], ['https://a', 'https://c']), {
    kind: 'retarget',
    from: 'https://b',
    to: 'https://c',
  });
});

test('removed URLs lose their live deliveries otherwise; nothing removed, nothing done', () => {
  assert.deepEqual(urlChangePlan(['https://a', 'https://b'], ['https://a']), {
    kind: 'cancel',
    urls: ['https://b'],
  });
  assert.deepEqual(urlChangePlan(['https://a', 'https://b'], ['https://c', 'https://d', 'https://e']), {
    kind: 'cancel',
    urls: ['https://a', 'https://b'],
  });
  assert.deepEqual(urlChangePlan(['https://a'], ['https://a', 'https://b']), { kind: 'none' });
});
