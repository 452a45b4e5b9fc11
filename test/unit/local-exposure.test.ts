import type * as http from 'node:http';
import { answersHost, checkBindAddress, hostOfHeader, isFromThisMachine, parseAllowedHosts } from '../../local/local-exposure';

const request = (remoteAddress: string, host: string) =>
  ({ socket: { remoteAddress }, headers: { host } }) as unknown as http.IncomingMessage;

describe('who may reach the one-machine server', () => {
  it('reads the host name of a Host header, and nothing that is not one', () => {
    expect(hostOfHeader('127.0.0.1:3000')).toBe('127.0.0.1');
    expect(hostOfHeader('[::1]:3000')).toBe('[::1]');
    expect(hostOfHeader('LocalHost.')).toBe('localhost');
    for (const header of [undefined, '', 'a b', 'localhost@attacker.example', 'localhost/x', 'localhost?x', '127.0.0.1:99999']) {
      expect(hostOfHeader(header)).toBeUndefined();
    }
  });

  it('answers loopback names and addresses, and the allowed hosts only', () => {
    for (const host of ['127.0.0.1:3000', '127.0.0.2', 'localhost:3000', 'app.localhost', '[::1]:3000', '[::ffff:127.0.0.1]']) {
      expect(answersHost(host, [])).toBe(true);
    }
    for (const host of ['attacker.example', '127.0.0.1.nip.io', '0.0.0.0:3000', '192.168.1.20:3000', '[::]', 'tuo.lan']) {
      expect(answersHost(host, [])).toBe(false);
    }
    expect(answersHost('tuo.lan:3000', parseAllowedHosts(' tuo.lan , 192.168.1.20'))).toBe(true);
    expect(answersHost('192.168.1.20:3000', parseAllowedHosts('tuo.lan,192.168.1.20'))).toBe(true);
  });

  it('listens beyond loopback only when the host names clients use are given', () => {
    expect(() => checkBindAddress({ bindAddress: '127.0.0.1', allowedHosts: [] })).not.toThrow();
    expect(() => checkBindAddress({ bindAddress: 'localhost', allowedHosts: [] })).not.toThrow();
    expect(() => checkBindAddress({ bindAddress: '::1', allowedHosts: [] })).not.toThrow();
    for (const bindAddress of ['0.0.0.0', '::', '192.168.1.20', 'tuo.lan']) {
      expect(() => checkBindAddress({ bindAddress, allowedHosts: [] })).toThrow(/TUO_ALLOWED_HOSTS/);
      expect(() => checkBindAddress({ bindAddress, allowedHosts: ['tuo.lan'] })).not.toThrow();
    }
  });

  it('counts a request as from this machine only if it came over loopback and names loopback', () => {
    expect(isFromThisMachine(request('127.0.0.1', 'localhost:3000'))).toBe(true);
    expect(isFromThisMachine(request('::ffff:127.0.0.1', '127.0.0.1:3000'))).toBe(true);
    expect(isFromThisMachine(request('::1', '[::1]:3000'))).toBe(true);
    expect(isFromThisMachine(request('192.168.1.5', 'localhost:3000'))).toBe(false);
    expect(isFromThisMachine(request('127.0.0.1', 'tuo.lan:3000'))).toBe(false);
  });
});
