import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utf8Boundary } from './http-sender.ts';

test('utf8Boundary keeps whole characters and drops a cut one', () => {
  const text = 'aé€😀';
  const bytes = Buffer.from(text);
  // a(1) é(2) €(3) 😀(4) = 10 bytes: every prefix ends on the last whole character before the cut.
  const expected = [0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10];
  for (let cut = 0; cut <= bytes.length; cut++) {
    assert.equal(utf8Boundary(bytes.subarray(0, cut)), expected[cut], `cut at ${cut}`);
  }
});

test('utf8Boundary leaves invalid bytes to the decoder', () => {
  assert.equal(utf8Boundary(Buffer.from([0x80, 0x80, 0x80, 0x80])), 4);
  assert.equal(utf8Boundary(Buffer.from([0x41, 0xff])), 2);
});
