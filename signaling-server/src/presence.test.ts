import { describe, expect, test } from 'vitest';
import { effectiveStatus, roomPresence, samePresence, type HostPresence } from './presence.js';

describe('effectiveStatus', () => {
  const cases: Array<[HostPresence, string]> = [
    [{ status: 'available', inCall: false }, 'available'],
    [{ status: 'available', inCall: true }, 'busy'],
    [{ status: 'busy', inCall: true }, 'busy'],
    [{ status: 'offline', inCall: true }, 'offline'],
    [{ status: 'offline', inCall: false }, 'offline'],
  ];
  for (const [host, expected] of cases) {
    test(`${host.status}${host.inCall ? ' in a call' : ''} shows ${expected}`, () => {
      expect(effectiveStatus(host)).toBe(expected);
    });
  }
});

describe('roomPresence', () => {
  test('no hosts means offline', () => {
    expect(roomPresence([])).toEqual({ type: 'presence', status: 'offline' });
  });

  test('best status wins regardless of order', () => {
    const hosts: HostPresence[] = [
      { status: 'busy', message: 'In a session', inCall: false },
      { status: 'available', message: 'Come in', inCall: false },
      { status: 'offline', inCall: false },
    ];
    expect(roomPresence(hosts)).toEqual({
      type: 'presence',
      status: 'available',
      message: 'Come in',
    });
    expect(roomPresence([...hosts].reverse())).toEqual({
      type: 'presence',
      status: 'available',
      message: 'Come in',
    });
  });

  test('message comes from the first host with one', () => {
    const hosts: HostPresence[] = [
      { status: 'available', inCall: false },
      { status: 'available', message: 'Second', inCall: false },
      { status: 'available', message: 'Third', inCall: false },
    ];
    expect(roomPresence(hosts).message).toBe('Second');
  });

  test('host busy only because of a call adds no message', () => {
    const hosts: HostPresence[] = [{ status: 'available', message: 'Walk in', inCall: true }];
    expect(roomPresence(hosts)).toEqual({ type: 'presence', status: 'busy' });
  });

  test('host that set busy keeps its message in a call', () => {
    const hosts: HostPresence[] = [
      { status: 'available', message: 'Walk in', inCall: true },
      { status: 'busy', message: 'Back at 3', inCall: true },
    ];
    expect(roomPresence(hosts)).toEqual({ type: 'presence', status: 'busy', message: 'Back at 3' });
  });

  test('offline hosts keep their message', () => {
    const hosts: HostPresence[] = [{ status: 'offline', message: 'On holiday', inCall: false }];
    expect(roomPresence(hosts)).toEqual({
      type: 'presence',
      status: 'offline',
      message: 'On holiday',
    });
  });
});

describe('samePresence', () => {
  test('compares status and message', () => {
    const base = { type: 'presence', status: 'busy', message: 'x' } as const;
    expect(samePresence(base, { ...base })).toBe(true);
    expect(samePresence(base, { ...base, status: 'available' })).toBe(false);
    expect(samePresence(base, { ...base, message: 'y' })).toBe(false);
    expect(samePresence(base, { type: 'presence', status: 'busy' })).toBe(false);
  });
});
