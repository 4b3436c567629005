import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fieldPathOf, joinFieldPath } from './field-path.ts';

describe('fieldPathOf', () => {
  const cases: Array<[pointer: string, extra: string | undefined, path: string]> = [
    ['', undefined, ''],
    ['/events/2/data', undefined, 'events[2].data'],
    ['/order/lines/0/total', undefined, 'order.lines[0].total'],
    ['/order', 'total', 'order.total'],
    ['', 'type', 'type'],
    ['/headers/a~1b', undefined, 'headers.a/b'],
    ['/headers/a~0b', undefined, 'headers.a~b'],
    ['/0/id', undefined, '[0].id'],
  ];
  for (const [pointer, extra, path] of cases) {
    test(`${JSON.stringify(pointer)} + ${extra ?? '-'} → ${JSON.stringify(path)}`, () => {
      assert.equal(fieldPathOf(pointer, extra), path);
    });
  }
});

describe('joinFieldPath', () => {
  test('joins with a dot, or directly before an index', () => {
    assert.equal(joinFieldPath('data', 'order.total'), 'data.order.total');
    assert.equal(joinFieldPath('events[3].data', '[0].id'), 'events[3].data[0].id');
    assert.equal(joinFieldPath('data', ''), 'data');
    assert.equal(joinFieldPath('', 'order'), 'order');
  });
});
