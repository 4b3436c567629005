import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AddressClass,
  cidrContains,
  classifyAddress,
  formatAddress,
  isAllowedTarget,
  parseAddress,
  parseCidr,
  parseCidrList,
} from './ip-range.ts';

describe('classifyAddress', () => {
  const cases: Array<[address: string, expected: AddressClass]> = [
    // IPv4 special-purpose registry, one or two per block, edges included.
    ['0.0.0.0', 'unspecified'],
    ['0.255.255.255', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'shared'],
    ['100.127.255.255', 'shared'],
    ['100.128.0.0', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link_local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.0', 'public'],
    ['172.15.255.255', 'public'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['192.88.99.1', 'reserved'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.20.0.0', 'public'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['93.184.216.34', 'public'],
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    // IPv6 special-purpose registry.
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['fe80::1', 'link_local'],
    ['febf:ffff::1', 'link_local'],
    ['fec0::1', 'site_local'],
    ['fc00::1', 'unique_local'],
    ['fd12:3456:789a::1', 'unique_local'],
    ['ff02::1', 'multicast'],
    ['ff05::1:3', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['100::1', 'reserved'],
    ['100::1:0:0:0:1', 'reserved'],
    ['2001::1', 'reserved'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['2001:1ff::1', 'reserved'],
    ['2001:2::1', 'benchmarking'],
    ['2001:200::1', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001:80b::200e', 'public'],
    ['4000::1', 'reserved'],
    ['::2:0:0:0:1', 'reserved'],
    // Embedded IPv4: the class of the address inside.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:127.0.0.1', 'loopback'],
    ['::FFFF:A9FE:A9FE', 'link_local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:93.184.216.34', 'public'],
    ['::ffff:0:127.0.0.1', 'loopback'],
    ['::127.0.0.1', 'loopback'],
    ['::10.0.0.1', 'private'],
    ['::93.184.216.34', 'public'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link_local'],
    ['64:ff9b::93.184.216.34', 'public'],
    ['64:ff9b:1::192.168.0.1', 'private'],
    ['64:ff9b:1::93.184.216.34', 'public'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a00:1::1', 'private'],
    ['2002:c0a8:101:1::1', 'private'],
    ['2002:5db8:d822::1', 'public'],
    // Spellings: brackets, zone ids, legacy IPv4 forms.
    ['[::1]', 'loopback'],
    ['fe80::1%eth0', 'link_local'],
    ['[fe80::1%25eth0]', 'link_local'],
    ['127.1', 'loopback'],
    ['0x7f.0.0.1', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['2130706433', 'loopback'],
    ['017700000001', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['127.0.0.1.', 'loopback'],
    ['0', 'unspecified'],
    ['0xa9.0xfe.0xa9.0xfe', 'link_local'],
    ['10.1', 'private'],
  ];
  for (const [address, expected] of cases) {
    test(`${address} is ${expected}`, () => {
      assert.equal(classifyAddress(address), expected);
    });
  }

  test('throws on text that is not an address', () => {
    for (const text of ['example.com', '', '1.2.3.4.5', '256.0.0.1', '08.0.0.1', '::g', '1.2.3.4%eth0']) {
      assert.throws(() => classifyAddress(text), /not an IP address/, text);
    }
  });
});

describe('parseAddress and formatAddress', () => {
  const cases: Array<[input: string, canonical: string]> = [
    ['127.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['4294967295', '255.255.255.255'],
    ['0x', '0.0.0.0'],
    ['::ffff:127.0.0.1', '::ffff:7f00:1'],
    ['2001:DB8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['fe80::', 'fe80::'],
    ['1::', '1::'],
  ];
  for (const [input, canonical] of cases) {
    test(`${input} formats as ${canonical}`, () => {
      const parsed = parseAddress(input);
      assert.ok(parsed);
      assert.equal(formatAddress(parsed), canonical);
    });
  }

  test('rejects host names and out-of-range numbers', () => {
    for (const text of [
      'localhost',
      'example.com',
      '4294967296',
      '1.16777216',
      '1.2.65536',
      '0x1g',
      '09',
      '1..1',
    ]) {
      assert.equal(parseAddress(text), undefined, text);
    }
  });
});

describe('parseCidr', () => {
  test('parses networks and bare addresses', () => {
    assert.deepEqual(parseCidr('10.0.0.0/8'), {
      version: 4,
      network: 0x0a00_0000n,
      prefixLength: 8,
      text: '10.0.0.0/8',
    });
    assert.deepEqual(parseCidr(' 127.0.0.1 '), {
      version: 4,
      network: 0x7f00_0001n,
      prefixLength: 32,
      text: '127.0.0.1',
    });
    assert.deepEqual(parseCidr('::1'), { version: 6, network: 1n, prefixLength: 128, text: '::1' });
    assert.equal(parseCidr('fe80::/10').prefixLength, 10);
    assert.equal(parseCidr('0.0.0.0/0').prefixLength, 0);
    assert.equal(parseCidr('::/0').prefixLength, 0);
  });

  const bad: Array<[text: string, reason: RegExp]> = [
    ['', /not an IPv4 or IPv6 address/],
    ['example.com/8', /not an IPv4 or IPv6 address/],
    ['127.1/32', /not an IPv4 or IPv6 address/],
    ['[::1]/128', /not an IPv4 or IPv6 address/],
    ['fe80::%eth0/10', /not an IPv4 or IPv6 address/],
    ['10.0.0.0/33', /prefix length must be a whole number from 0 to 32/],
    ['::/129', /prefix length must be a whole number from 0 to 128/],
    ['10.0.0.0/', /prefix length/],
    ['10.0.0.0/-1', /prefix length/],
    ['10.0.0.0/8/8', /prefix length/],
    ['10.0.0.0/ 8', /prefix length/],
    ['10.0.0.1/8', /host bits are set \(did you mean 10\.0\.0\.0\/8\?\)/],
    ['fe80::1/10', /host bits are set \(did you mean fe80::\/10\?\)/],
  ];
  for (const [text, reason] of bad) {
    test(`refuses "${text}"`, () => {
      assert.throws(
        () => parseCidr(text),
        (error: unknown) =>
          error instanceof Error && error.message.includes(`"${text.trim()}"`) && reason.test(error.message),
      );
    });
  }
});

describe('parseCidrList', () => {
  test('splits on commas and tolerates whitespace and empty entries', () => {
    assert.deepEqual(parseCidrList(''), []);
    assert.deepEqual(parseCidrList('  '), []);
    assert.deepEqual(
      parseCidrList(' 127.0.0.0/8 ,::1/128, ').map((cidr) => cidr.text),
      ['127.0.0.0/8', '::1/128'],
    );
  });

  test('names the bad entry', () => {
    assert.throws(() => parseCidrList('127.0.0.0/8, 10.0.0.0/80'), /"10\.0\.0\.0\/80"/);
  });
});

describe('cidrContains', () => {
  const cases: Array<[cidr: string, address: string, expected: boolean]> = [
    ['127.0.0.0/8', '127.0.0.1', true],
    ['127.0.0.0/8', '127.255.255.255', true],
    ['127.0.0.0/8', '128.0.0.0', false],
    ['127.0.0.0/8', '127.1', true],
    ['127.0.0.0/8', '::ffff:127.0.0.1', false],
    ['10.1.2.3', '10.1.2.3', true],
    ['10.1.2.3', '10.1.2.4', false],
    ['0.0.0.0/0', '203.0.113.1', true],
    ['0.0.0.0/0', '::1', false],
    ['::1/128', '::1', true],
    ['::1/128', '[::1]', true],
    ['fd00::/8', 'fd12::1', true],
    ['fd00::/8', 'fc00::1', false],
    ['fe80::/10', 'fe80::1%eth0', true],
    ['::/0', '2001:db8::1', true],
    ['127.0.0.0/8', 'localhost', false],
  ];
  for (const [cidr, address, expected] of cases) {
    test(`${cidr} ${expected ? 'contains' : 'does not contain'} ${address}`, () => {
      assert.equal(cidrContains(parseCidr(cidr), address), expected);
    });
  }
});

describe('isAllowedTarget', () => {
  const loopbackOnly = parseCidrList('127.0.0.0/8,::1/128');
  const cases: Array<[address: string, allow: string, expected: boolean]> = [
    ['93.184.216.34', '', true],
    ['2606:4700:4700::1111', '', true],
    ['::ffff:93.184.216.34', '', true],
    ['2002:5db8:d822::1', '', true],
    ['127.0.0.1', '', false],
    ['::1', '', false],
    ['169.254.169.254', '', false],
    ['::ffff:127.0.0.1', '', false],
    ['64:ff9b::10.0.0.1', '', false],
    ['2001::1', '', false],
    ['127.0.0.1', '127.0.0.0/8,::1/128', true],
    ['127.0.0.53', '127.0.0.0/8,::1/128', true],
    ['::1', '127.0.0.0/8,::1/128', true],
    ['::ffff:127.0.0.1', '127.0.0.0/8,::1/128', true],
    ['2002:7f00:1::', '127.0.0.0/8,::1/128', true],
    ['10.0.0.1', '127.0.0.0/8,::1/128', false],
    ['::ffff:10.0.0.1', '127.0.0.0/8,::1/128', false],
    ['10.0.0.1', '10.0.0.0/24', true],
    ['10.0.1.1', '10.0.0.0/24', false],
    ['fd00::1', 'fd00::/8', true],
    ['not-an-address', '0.0.0.0/0,::/0', false],
  ];
  for (const [address, allow, expected] of cases) {
    test(`${address} with allow "${allow}" is ${expected ? 'allowed' : 'refused'}`, () => {
      assert.equal(isAllowedTarget(address, parseCidrList(allow)), expected);
    });
  }

  test('the documented development allow list lets both loopback families through', () => {
    assert.ok(isAllowedTarget('127.0.0.1', loopbackOnly));
    assert.ok(isAllowedTarget('::1', loopbackOnly));
    assert.ok(!isAllowedTarget('169.254.169.254', loopbackOnly));
  });
});
