import fc from 'fast-check';
import { checkTargetAddress, checkWebhookTarget, classifyIpAddress, isHostnameLocal } from '../../lambdas/domain/webhook-target-policy';

const strict = { allowLoopbackHttp: false, allowPrivateTargets: false };
const oneMachine = { allowLoopbackHttp: true, allowPrivateTargets: false };
const permissive = { allowLoopbackHttp: true, allowPrivateTargets: true };

const reasonFor = (url: string, policy = strict) => {
  const result = checkWebhookTarget(url, policy);
  return result.ok ? null : result.reason;
};

describe('classifyIpAddress', () => {
  it.each([
    ['8.8.8.8', 'public'],
    ['2606:4700::1111', 'public'],
    ['172.32.0.1', 'public'],
    ['100.128.0.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.254', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['::ffff:10.0.0.1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:a9fe:a9fe', 'metadata'],
    ['64:ff9b::169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['169.254.170.23', 'metadata'],
    ['fd00:ec2::23', 'metadata'],
    ['::ffff:169.254.170.23', 'metadata'],
    ['64:ff9b:1::8.8.8.8', 'private'],
    ['64:ff9b:1:abcd::1', 'private'],
    ['64:ff9b:1:ffff:ffff:ffff:ffff:ffff', 'private'],
    ['64:ff9b:1::169.254.169.254', 'metadata'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['64:ff9b:2::1', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['ff02::1', 'reserved'],
    ['2001:db8::1', 'reserved'],
  ])('%s is %s', (ip, expected) => {
    expect(classifyIpAddress(ip)).toBe(expected);
  });

  it.each(['localhost', '1.2.3', '256.1.1.1', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', 'gggg::1', ''])(
    'refuses to classify %j',
    (text) => {
      expect(() => classifyIpAddress(text)).toThrow(TypeError);
    },
  );

  it('property: an IPv4 address and its IPv4-mapped IPv6 form are classified alike', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(classifyIpAddress(`::ffff:${ip}`)).toBe(classifyIpAddress(ip));
      }),
    );
  });

  it('property: every address in 10.0.0.0/8 is private', () => {
    fc.assert(
      fc.property(fc.nat(0xffffff), (n) => {
        expect(classifyIpAddress(`10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`)).toBe('private');
      }),
    );
  });
});

describe('isHostnameLocal', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', 'demo.localhost', 'a.b.localhost'])('%s is this machine', (host) => {
    expect(isHostnameLocal(host)).toBe(true);
  });
  it.each(['localhost.example', 'notlocalhost', 'example.org'])('%s is not', (host) => {
    expect(isHostnameLocal(host)).toBe(false);
  });
});

describe('checkWebhookTarget', () => {
  it('accepts an https URL on a public host', () => {
    expect(checkWebhookTarget('https://hmrc.example/tell-us-once', strict)).toEqual({ ok: true });
    expect(checkWebhookTarget('https://203.0.114.5:443/hook', strict)).toEqual({ ok: true });
    expect(checkWebhookTarget('https://[2606:4700::1111]/hook', strict)).toEqual({ ok: true });
  });

  it('refuses what is not a URL, or not http(s)', () => {
    expect(reasonFor('hmrc.example/x')).toMatch(/not a valid absolute URL/);
    expect(reasonFor('ftp://hmrc.example/x')).toMatch(/must use https/);
    expect(reasonFor('file:///etc/passwd')).toMatch(/must use https/);
  });

  it('allows only the https port 443 beyond this machine, and any port to loopback on one machine', () => {
    for (const url of [
      'https://hmrc.example:8443/x',
      'https://203.0.114.5:22/x',
      'https://[2606:4700::1111]:6379/x',
      'https://hmrc.example:80/x',
    ]) {
      expect(reasonFor(url, permissive)).toMatch(/port 443/);
    }
    expect(reasonFor('https://10.0.0.5:8080/x', permissive)).toMatch(/port 443, not 8080/);
    expect(checkWebhookTarget('https://hmrc.example:443/x', strict)).toEqual({ ok: true });
    expect(checkWebhookTarget('http://127.0.0.1:3000/demo', oneMachine)).toEqual({ ok: true });
    expect(checkWebhookTarget('https://localhost:8443/demo', oneMachine)).toEqual({ ok: true });
  });

  it('refuses the AWS credential endpoints and local-use NAT64 like the networks they reach', () => {
    for (const url of ['https://169.254.170.23/v1/credentials', 'https://[fd00:ec2::23]/v1/credentials']) {
      expect(reasonFor(url, permissive)).toMatch(/metadata/);
    }
    expect(reasonFor('https://[64:ff9b:1::808:808]/x', strict)).toMatch(/private network/);
    expect(checkWebhookTarget('https://[64:ff9b:1::808:808]/x', permissive)).toEqual({ ok: true });
  });

  it('refuses credentials in the URL', () => {
    expect(reasonFor('https://user:pass@hmrc.example/x')).toMatch(/user name or password/);
    expect(reasonFor('https://user@hmrc.example/x')).toMatch(/user name or password/);
  });

  it('requires https to anything but this machine', () => {
    expect(reasonFor('http://hmrc.example/x', permissive)).toMatch(/must use https/);
    expect(reasonFor('http://10.0.0.5/x', permissive)).toMatch(/must use https/);
  });

  it('allows http and https to loopback only on one machine', () => {
    for (const url of [
      'http://127.0.0.1:3000/demo',
      'http://localhost:3000/demo',
      'http://[::1]:3000/demo',
      'https://demo.localhost/x',
      'http://127.1/x',
      'http://[::ffff:127.0.0.1]/x',
    ]) {
      expect(checkWebhookTarget(url, oneMachine)).toEqual({ ok: true });
      expect(reasonFor(url, strict)).toMatch(/loopback/);
      expect(reasonFor(url, { allowLoopbackHttp: false, allowPrivateTargets: true })).toMatch(/loopback/);
    }
  });

  it('refuses private, link-local and reserved addresses unless private targets are allowed', () => {
    for (const url of [
      'https://10.0.0.1/x',
      'https://172.20.1.1/x',
      'https://192.168.0.10/x',
      'https://100.64.1.1/x',
      'https://[fd12::1]/x',
      'https://169.254.10.10/x',
      'https://[fe80::1]/x',
      'https://224.0.0.1/x',
    ]) {
      expect(reasonFor(url, oneMachine)).toMatch(/unless the operator has allowed private targets/);
      expect(checkWebhookTarget(url, permissive)).toEqual({ ok: true });
    }
  });

  it('always refuses metadata and unspecified addresses, however they are spelled', () => {
    for (const url of [
      'https://169.254.169.254/latest/meta-data/',
      'http://169.254.169.254/latest/meta-data/',
      'https://[fd00:ec2::254]/',
      'https://[::ffff:169.254.169.254]/',
      'https://0xa9fea9fe/', // the URL parser canonicalises this to 169.254.169.254
      'https://2852039166/',
    ]) {
      expect(reasonFor(url, permissive)).toMatch(/metadata/);
    }
    for (const url of ['https://0.0.0.0/', 'http://0.0.0.0:3000/', 'https://[::]/', 'https://0/']) {
      expect(reasonFor(url, permissive)).toMatch(/unspecified/);
    }
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.webUrl(), fc.string()), (url) => {
        const result = checkWebhookTarget(url, strict);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});

describe('checkTargetAddress (for resolved addresses)', () => {
  it('applies the same rules to an address a host name resolved to', () => {
    expect(checkTargetAddress('93.184.215.14', strict)).toEqual({ ok: true });
    expect(checkTargetAddress('127.0.0.1', strict).ok).toBe(false);
    expect(checkTargetAddress('127.0.0.1', oneMachine)).toEqual({ ok: true });
    expect(checkTargetAddress('10.0.0.1', oneMachine).ok).toBe(false);
    expect(checkTargetAddress('10.0.0.1', permissive)).toEqual({ ok: true });
    expect(checkTargetAddress('169.254.169.254', permissive).ok).toBe(false);
  });
});
