// Which webhook URLs the service will POST citizens' data to. A department URL chosen by an
// operator must not turn the service into a way to reach its own host, its private network or
// the cloud metadata endpoint (SSRF). This checks the URL as written; the delivery code must
// also check every address the host name resolves to, with checkTargetAddress.

export type IpAddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'metadata' | 'unspecified' | 'reserved';

export interface WebhookTargetPolicy {
  /** Single-machine mode: http (and https) to localhost / 127.0.0.0/8 / ::1 is allowed. */
  allowLoopbackHttp: boolean;
  /** Operator opt-in: private, link-local and reserved ranges are allowed (metadata and unspecified never are). */
  allowPrivateTargets: boolean;
}

export type TargetCheck = { ok: true } | { ok: false; reason: string };

/** `localhost` and any name under `.localhost` always mean this machine (RFC 6761). */
export function isHostnameLocal(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

export function checkWebhookTarget(url: string, policy: WebhookTargetPolicy): TargetCheck {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse('The webhook URL is not a valid absolute URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return refuse('The webhook URL must use https.');
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return refuse('The webhook URL must not contain a user name or password.');
  }
  // The WHATWG parser has already canonicalised IP literals ("0x7f.1" -> "127.0.0.1", "[::ffff:127.0.0.1]" -> "[::ffff:7f00:1]").
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return refuse('The webhook URL must name a host.');
  const ip = parseIpAddress(host);
  const loopback = isHostnameLocal(host) || (ip !== null && classify(ip) === 'loopback');
  if (ip !== null && !loopback) {
    const verdict = checkClass(classify(ip), policy);
    if (!verdict.ok) return verdict;
  }
  if (loopback && !policy.allowLoopbackHttp) {
    return refuse('The webhook URL points at this machine (a loopback address), which is only allowed when running on one machine.');
  }
  if (parsed.protocol === 'http:' && !loopback) {
    return refuse('The webhook URL must use https; plain http is only allowed to this machine when running on one machine.');
  }
  // Any other port would let a department URL probe services that answer on odd ports (admin
  // consoles, caches) from the service's network. The WHATWG parser drops the default port: '' is 443.
  if (!loopback && parsed.port !== '') {
    return refuse(`The webhook URL must use the https port 443, not ${parsed.port}.`);
  }
  return { ok: true };
}

/** Checks one address a webhook host resolved to (DNS is resolved by the caller). */
export function checkTargetAddress(ip: string, policy: WebhookTargetPolicy): TargetCheck {
  const cls = classifyIpAddress(ip);
  if (cls === 'loopback') {
    return policy.allowLoopbackHttp
      ? { ok: true }
      : refuse('The webhook host resolves to this machine (a loopback address), which is not allowed.');
  }
  return checkClass(cls, policy);
}

function checkClass(cls: IpAddressClass, policy: WebhookTargetPolicy): TargetCheck {
  switch (cls) {
    case 'public':
      return { ok: true };
    case 'loopback':
      return policy.allowLoopbackHttp
        ? { ok: true }
        : refuse('The webhook URL points at this machine (a loopback address), which is not allowed.');
    case 'metadata':
      return refuse('The webhook URL points at a cloud metadata address, which is never allowed.');
    case 'unspecified':
      return refuse('The webhook URL points at an unspecified address (such as 0.0.0.0 or ::), which is never allowed.');
    case 'private':
    case 'link-local':
    case 'reserved': {
      if (policy.allowPrivateTargets) return { ok: true };
      const what = cls === 'private' ? 'a private network address' : cls === 'link-local' ? 'a link-local address' : 'a reserved address';
      return refuse(`The webhook URL points at ${what}, which is refused unless the operator has allowed private targets.`);
    }
  }
}

const refuse = (reason: string): TargetCheck => ({ ok: false, reason });

/** Classifies an IPv4 or IPv6 address (brackets and an IPv6 zone are tolerated); throws if it is not one. */
export function classifyIpAddress(ip: string): IpAddressClass {
  const parsed = parseIpAddress(ip.replace(/^\[(.*)\]$/, '$1'));
  if (parsed === null) throw new TypeError(`Not an IP address: ${ip}`);
  return classify(parsed);
}

type ParsedIp = { version: 4; bytes: number[] } | { version: 6; words: number[] };

function classify(ip: ParsedIp): IpAddressClass {
  return ip.version === 4 ? classifyIpv4(ip.bytes) : classifyIpv6(ip.words);
}

function parseIpAddress(text: string): ParsedIp | null {
  const v4 = parseIpv4(text);
  if (v4) return { version: 4, bytes: v4 };
  const v6 = parseIpv6(text.replace(/%.*$/, ''));
  return v6 ? { version: 6, words: v6 } : null;
}

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) return null;
  return parts.map(Number);
}

function parseIpv6(text: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const words: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseIpv4(part); // embedded IPv4 tail, e.g. ::ffff:10.0.0.1
        if (!v4) return null;
        words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
        words.push(parseInt(part, 16));
      } else {
        return null;
      }
    }
    return words;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : null;
}

function classifyIpv4([a, b, c, d]: number[]): IpAddressClass {
  const [x, y, z, w] = [a, b, c, d];
  if (x === 0) return 'unspecified'; // 0.0.0.0/8 "this host": connecting to it reaches the local machine
  if (x === 127) return 'loopback';
  if (x === 169 && y === 254) {
    // AWS/GCP/Azure instance metadata, the ECS task credentials endpoint and the EKS pod identity agent
    if ((z === 169 && w === 254) || (z === 170 && (w === 2 || w === 23))) return 'metadata';
    return 'link-local';
  }
  if (x === 10 || (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168) || (x === 100 && y >= 64 && y <= 127)) {
    return 'private';
  }
  if (
    (x === 192 && y === 0 && (z === 0 || z === 2)) || // IETF protocol assignments, TEST-NET-1
    (x === 192 && y === 88 && z === 99) || // 6to4 relay anycast
    (x === 198 && (y === 18 || y === 19)) || // benchmarking
    (x === 198 && y === 51 && z === 100) || // TEST-NET-2
    (x === 203 && y === 0 && z === 113) || // TEST-NET-3
    x >= 224 // multicast, 240/4 reserved, broadcast
  ) {
    return 'reserved';
  }
  return 'public';
}

function classifyIpv6(words: number[]): IpAddressClass {
  const w = (i: number) => words[i];
  const embeddedIpv4 = (i: number) => [w(i) >> 8, w(i) & 0xff, w(i + 1) >> 8, w(i + 1) & 0xff];
  const zeroUpTo = (n: number) => words.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && w(7) === 1) return 'loopback';
  if (zeroUpTo(5) && w(5) === 0xffff) return classifyIpv4(embeddedIpv4(6)); // IPv4-mapped ::ffff:a.b.c.d
  if (w(0) === 0x64 && w(1) === 0xff9b && words.slice(2, 6).every((x) => x === 0)) {
    return classifyIpv4(embeddedIpv4(6)); // NAT64 64:ff9b::a.b.c.d reaches the embedded IPv4 address
  }
  if (w(0) === 0x64 && w(1) === 0xff9b && w(2) === 1) {
    // Local-use NAT64 (RFC 8215, 64:ff9b:1::/48) translates inside the operator's own network;
    // where the IPv4 address sits depends on the prefix length, so only the /96 form is unpacked.
    return classifyIpv4(embeddedIpv4(6)) === 'metadata' ? 'metadata' : 'private';
  }
  if (w(0) === 0x2002) return classifyIpv4(embeddedIpv4(1)); // 6to4 2002:aabb:ccdd:: relays to a.b.c.d
  if (w(0) === 0xfd00 && w(1) === 0x0ec2 && words.slice(2, 7).every((x) => x === 0) && (w(7) === 0x254 || w(7) === 0x23)) {
    return 'metadata'; // AWS instance metadata (fd00:ec2::254) and the EKS pod identity agent (fd00:ec2::23) over IPv6
  }
  if ((w(0) & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((w(0) & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((w(0) & 0xffc0) === 0xfec0) return 'private'; // fec0::/10 deprecated site-local
  if ((w(0) & 0xff00) === 0xff00) return 'reserved'; // multicast
  if (w(0) === 0x2001 && w(1) === 0x0db8) return 'reserved'; // documentation
  if (w(0) === 0x0100 && words.slice(1, 4).every((x) => x === 0)) return 'reserved'; // discard 100::/64
  if (w(0) === 0) return 'reserved'; // ::/16 leftovers (IPv4-compatible and similar)
  return 'public';
}
