/**
 * IP address parsing, CIDR ranges and special-purpose address classification: the pure half of the
 * SSRF guard (`delivery/ssrf-guard.ts` is the half that resolves names and opens sockets).
 *
 * Addresses are held as `bigint` (32 bits for IPv4, 128 for IPv6) so that range checks are one mask
 * and one comparison, whatever the spelling the address arrived in.
 *
 * Sources for the tables below: the IANA IPv4 and IPv6 Special-Purpose Address Registries
 * (RFC 6890 and its updates), RFC 6052/8215 (NAT64), RFC 3056 (6to4), RFC 4291 §2.5.5 (IPv4-mapped
 * and IPv4-compatible) and RFC 9637 (3fff::/20 documentation).
 *
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';

/** An IP address as a number: 32 significant bits for version 4, 128 for version 6. */
export interface IpAddress {
  /** 4 or 6. IPv4-mapped IPv6 addresses stay version 6; see {@link classifyAddress}. */
  readonly version: 4 | 6;
  /** The address as an unsigned integer, most significant byte first. */
  readonly value: bigint;
}

/** A parsed network such as `10.0.0.0/8` or `fe80::/10`; build one with {@link parseCidr}. */
export interface Cidr {
  /** Which family the network belongs to; an IPv4 network never contains an IPv6 address. */
  readonly version: 4 | 6;
  /** The network address with every host bit zero. */
  readonly network: bigint;
  /** Number of leading bits that are fixed: 0..32 for IPv4, 0..128 for IPv6. */
  readonly prefixLength: number;
  /** The entry as written (trimmed), for error messages and logs. */
  readonly text: string;
}

/**
 * What an address is for, after looking through IPv4-mapped, IPv4-compatible, NAT64 and 6to4
 * wrappers. Only `public` is reachable by default; every other class is refused unless an allow
 * list names it.
 *
 * - `public`: globally routable unicast.
 * - `unspecified`: `0.0.0.0/8`, `::` (Linux connects `0.0.0.0` to the local host).
 * - `loopback`: `127.0.0.0/8`, `::1`.
 * - `private`: RFC 1918 (`10/8`, `172.16/12`, `192.168/16`).
 * - `shared`: carrier-grade NAT, `100.64.0.0/10` (RFC 6598).
 * - `link_local`: `169.254.0.0/16` (cloud metadata lives at `169.254.169.254`), `fe80::/10`.
 * - `multicast`: `224.0.0.0/4`, `ff00::/8`.
 * - `broadcast`: `255.255.255.255`.
 * - `documentation`: `192.0.2/24`, `198.51.100/24`, `203.0.113/24`, `2001:db8::/32`, `3fff::/20`.
 * - `benchmarking`: `198.18.0.0/15`, `2001:2::/48`.
 * - `unique_local`: `fc00::/7`.
 * - `site_local`: `fec0::/10` (deprecated by RFC 3879 but still routed inside some networks).
 * - `reserved`: everything else set aside: `192.0.0/24`, `192.88.99/24`, `240/4`, `100::/64`
 *   (discard), `2001::/23` (IETF protocol assignments, Teredo included, because its embedded
 *   client address is obfuscated and cannot be checked) and IPv6 outside `2000::/3`.
 */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link_local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'unique_local'
  | 'site_local'
  | 'reserved';

const IPV4_BITS = 32;
const IPV6_BITS = 128;
const LOW_32_BITS = 0xffff_ffffn;

/**
 * Parses an IP address written in any spelling a URL parser or `inet_aton(3)` accepts, so that a
 * check can never be dodged by writing the same address differently:
 *
 * - IPv4 dotted quad and its legacy forms: `127.1`, `0x7f.0.0.1`, `0177.0.0.1`, `2130706433`,
 *   `0x7f000001`, `017700000001`, a trailing dot (`127.0.0.1.`);
 * - IPv6 in any form `node:net` accepts, with optional brackets (`[::1]`) and zone id (`fe80::1%eth0`).
 *
 * @returns the address, or `undefined` when the text is not an IP address (for example a host name).
 */
export function parseAddress(text: string): IpAddress | undefined {
  let candidate = text;
  if (candidate.startsWith('[') && candidate.endsWith(']')) {
    candidate = candidate.slice(1, -1);
  }
  if (candidate.includes(':')) {
    // A zone id (`%eth0`) picks the interface, not the address, so it does not change the class.
    const zoneAt = candidate.indexOf('%');
    const withoutZone = zoneAt === -1 ? candidate : candidate.slice(0, zoneAt);
    if (!isIPv6(withoutZone)) {
      return undefined;
    }
    return { version: 6, value: parseIpv6(withoutZone) };
  }
  const value = parseIpv4AnySpelling(candidate);
  return value === undefined ? undefined : { version: 4, value };
}

/**
 * Writes an address in its canonical form: dotted quad for IPv4, RFC 5952 for IPv6 (lower case,
 * longest run of two or more zero groups compressed to `::`).
 */
export function formatAddress(address: IpAddress): string {
  if (address.version === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((address.value >> shift) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) {
    groups.push(Number((address.value >> shift) & 0xffffn));
  }
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < groups.length; start++) {
    let length = 0;
    while (groups[start + length] === 0) {
      length++;
    }
    if (length > bestLength) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestLength < 2) {
    return hex.join(':');
  }
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * Parses one network: `10.0.0.0/8`, `fd00::/8`, or a bare address meaning `/32` or `/128`.
 * Only canonical spellings are accepted here (no `127.1`, no brackets, no zone id): this text comes
 * from an operator's configuration, where an odd spelling is more likely a typo than intent.
 *
 * @throws Error naming the entry when it is not a network, the prefix is out of range, or host bits
 *   are set (`10.0.0.1/8` is refused rather than silently widened to `10.0.0.0/8`).
 */
export function parseCidr(text: string): Cidr {
  const entry = text.trim();
  const slashAt = entry.indexOf('/');
  const addressText = slashAt === -1 ? entry : entry.slice(0, slashAt);
  const prefixText = slashAt === -1 ? undefined : entry.slice(slashAt + 1);

  let version: 4 | 6;
  let network: bigint;
  if (isIPv4(addressText)) {
    version = 4;
    network = parseIpv4AnySpelling(addressText) ?? 0n;
  } else if (isIPv6(addressText) && !addressText.includes('%')) {
    version = 6;
    network = parseIpv6(addressText);
  } else {
    throw new Error(`invalid CIDR "${entry}": "${addressText}" is not an IPv4 or IPv6 address`);
  }

  const maxBits = version === 4 ? IPV4_BITS : IPV6_BITS;
  let prefixLength = maxBits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > maxBits) {
      throw new Error(`invalid CIDR "${entry}": prefix length must be a whole number from 0 to ${maxBits}`);
    }
    prefixLength = Number(prefixText);
  }
  if ((network & hostMask(version, prefixLength)) !== 0n) {
    const masked = formatAddress({ version, value: network & ~hostMask(version, prefixLength) });
    throw new Error(`invalid CIDR "${entry}": host bits are set (did you mean ${masked}/${prefixLength}?)`);
  }
  return { version, network, prefixLength, text: entry };
}

/**
 * Parses a comma-separated list such as `HOOKLINE_ALLOW_TARGETS="127.0.0.0/8, ::1/128"`.
 * Whitespace around entries and empty entries (a trailing comma, an empty string) are ignored.
 *
 * @throws Error from {@link parseCidr}, naming the first bad entry.
 */
export function parseCidrList(text: string): Cidr[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(parseCidr);
}

/**
 * Whether `address` (any spelling {@link parseAddress} accepts) lies inside `cidr`. Families never
 * mix: `127.0.0.0/8` does not contain `::ffff:127.0.0.1` here ({@link isAllowedTarget} looks
 * through such wrappers). Text that is not an address is contained in nothing.
 */
export function cidrContains(cidr: Cidr, address: string): boolean {
  const parsed = parseAddress(address);
  return parsed !== undefined && contains(cidr, parsed);
}

/**
 * Classifies an address. IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`,
 * IPv4-translated `::ffff:0:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96` and
 * `64:ff9b:1::/48`, 6to4 `2002::/16`) take the class of the IPv4 address inside, because that is
 * where a translator or relay would deliver the packet: `::ffff:127.0.0.1` is `loopback` and
 * `2002:5db8:d822::` (6to4 of a public address) is `public`.
 *
 * @throws Error when the text is not an IP address; use {@link parseAddress} to test first.
 */
export function classifyAddress(address: string): AddressClass {
  const parsed = parseAddress(address);
  if (parsed === undefined) {
    throw new Error(`not an IP address: "${address}"`);
  }
  return classifyParsed(parsed);
}

/**
 * The delivery rule: a target is allowed when it is `public`, or when it (or the IPv4 address it
 * embeds) lies inside one of the operator's allow-list networks. Text that is not an address is
 * never allowed, so a caller that forgets to resolve a name fails closed.
 */
export function isAllowedTarget(address: string, allow: readonly Cidr[]): boolean {
  const parsed = parseAddress(address);
  if (parsed === undefined) {
    return false;
  }
  if (classifyParsed(parsed) === 'public') {
    return true;
  }
  const embedded = embeddedIpv4(parsed);
  return allow.some((cidr) => contains(cidr, parsed) || (embedded !== undefined && contains(cidr, embedded)));
}

/** The class of an already-parsed address; see {@link classifyAddress}. */
function classifyParsed(address: IpAddress): AddressClass {
  if (address.version === 4) {
    return lookUpClass(IPV4_SPECIAL, address) ?? 'public';
  }
  // `::` and `::1` sit inside the IPv4-compatible range but mean themselves, so they go first.
  const own = lookUpClass(IPV6_SPECIAL, address);
  if (own === 'unspecified' || own === 'loopback') {
    return own;
  }
  const embedded = embeddedIpv4(address);
  if (embedded !== undefined) {
    return classifyParsed(embedded);
  }
  if (own !== undefined) {
    return own;
  }
  // Only 2000::/3 is allocated for global unicast; anything else has no business on the internet.
  return contains(GLOBAL_UNICAST_V6, address) ? 'public' : 'reserved';
}

/**
 * The IPv4 address a translator, relay or dual-stack socket would reach for this IPv6 address, or
 * `undefined` when it carries none. Teredo (`2001::/32`) is deliberately absent: its client address
 * is XOR-obfuscated and the whole range is classified `reserved` instead.
 */
function embeddedIpv4(address: IpAddress): IpAddress | undefined {
  if (address.version === 4) {
    return undefined;
  }
  for (const prefix of IPV4_IN_LOW_32_BITS) {
    if (contains(prefix, address)) {
      return { version: 4, value: address.value & LOW_32_BITS };
    }
  }
  if (contains(SIX_TO_FOUR, address)) {
    // 2002:AABB:CCDD::/48: the IPv4 address is bits 16..47, i.e. 80 bits above the bottom.
    return { version: 4, value: (address.value >> 80n) & LOW_32_BITS };
  }
  return undefined;
}

function lookUpClass(
  table: ReadonlyArray<readonly [Cidr, AddressClass]>,
  address: IpAddress,
): AddressClass | undefined {
  return table.find(([cidr]) => contains(cidr, address))?.[1];
}

function contains(cidr: Cidr, address: IpAddress): boolean {
  return (
    cidr.version === address.version &&
    (address.value & ~hostMask(cidr.version, cidr.prefixLength)) === cidr.network
  );
}

/** The bits a network leaves free, e.g. `0xff_ffff` for an IPv4 `/8`. */
function hostMask(version: 4 | 6, prefixLength: number): bigint {
  const bits = BigInt((version === 4 ? IPV4_BITS : IPV6_BITS) - prefixLength);
  return (1n << bits) - 1n;
}

/**
 * The WHATWG URL IPv4 parser (which follows `inet_aton(3)`): one to four dot-separated numbers, each
 * decimal, octal (leading `0`) or hex (`0x`); the last number fills all remaining bytes. A single
 * trailing dot is allowed, as in a fully qualified name.
 */
function parseIpv4AnySpelling(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length > 1 && parts.at(-1) === '') {
    parts.pop();
  }
  if (parts.length > 4) {
    return undefined;
  }
  const numbers: bigint[] = [];
  for (const part of parts) {
    const number = parseIpv4Number(part);
    if (number === undefined) {
      return undefined;
    }
    numbers.push(number);
  }
  const last = numbers.pop();
  if (last === undefined || last >= 256n ** BigInt(4 - numbers.length)) {
    return undefined;
  }
  let value = last;
  for (const [index, number] of numbers.entries()) {
    if (number > 255n) {
      return undefined;
    }
    value += number << BigInt(8 * (3 - index));
  }
  return value;
}

function parseIpv4Number(part: string): bigint | undefined {
  if (/^0x[0-9a-f]*$/i.test(part)) {
    // WHATWG reads a bare `0x` as zero.
    return part.length === 2 ? 0n : BigInt(`0x${part.slice(2)}`);
  }
  if (/^0[0-7]+$/.test(part)) {
    return BigInt(`0o${part.slice(1)}`);
  }
  if (/^(0|[1-9]\d*)$/.test(part)) {
    return BigInt(part);
  }
  return undefined;
}

/** Parses IPv6 text that `isIPv6` has already accepted (no zone id). */
function parseIpv6(text: string): bigint {
  let body = text;
  // A trailing dotted quad (`::ffff:127.0.0.1`) stands for the last two 16-bit groups.
  const lastColon = body.lastIndexOf(':');
  const tail = body.slice(lastColon + 1);
  if (tail.includes('.')) {
    const v4 = parseIpv4AnySpelling(tail) ?? 0n;
    body = `${body.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = '', rest] = body.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const zeros = rest === undefined ? [] : Array<string>(8 - headGroups.length - restGroups.length).fill('0');
  let value = 0n;
  for (const group of [...headGroups, ...zeros, ...restGroups]) {
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  return value;
}

function classTable(
  entries: ReadonlyArray<readonly [string, AddressClass]>,
): Array<readonly [Cidr, AddressClass]> {
  return entries.map(([text, addressClass]) => [parseCidr(text), addressClass] as const);
}

/** Most specific first where ranges nest (255.255.255.255 inside 240/4). */
const IPV4_SPECIAL = classTable([
  ['255.255.255.255/32', 'broadcast'],
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link_local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'reserved'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', 'reserved'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
]);

/** Most specific first where ranges nest (2001:2::/48 inside 2001::/23). */
const IPV6_SPECIAL = classTable([
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['100::/64', 'reserved'],
  ['2001:2::/48', 'benchmarking'],
  ['2001::/23', 'reserved'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['fc00::/7', 'unique_local'],
  ['fe80::/10', 'link_local'],
  ['fec0::/10', 'site_local'],
  ['ff00::/8', 'multicast'],
]);

/**
 * Prefixes whose last 32 bits are an IPv4 address: IPv4-mapped, IPv4-translated (RFC 2765),
 * IPv4-compatible, NAT64 well-known and NAT64 local-use. RFC 8215 lets an operator put the IPv4
 * address elsewhere inside `64:ff9b:1::/48`; the /96 layout is the one deployments use, and
 * reading other positions would misclassify /96 addresses of public hosts.
 */
const IPV4_IN_LOW_32_BITS = [
  '::ffff:0:0/96',
  '::ffff:0:0:0/96',
  '::/96',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
].map(parseCidr);

const SIX_TO_FOUR = parseCidr('2002::/16');
const GLOBAL_UNICAST_V6 = parseCidr('2000::/3');
