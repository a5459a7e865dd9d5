import { describe, expect, test } from 'vitest';
import { formatWebSocketUrl, parseCommandLine, UsageError } from './cli-options.js';

describe('parseCommandLine', () => {
  test('defaults without flags or environment', () => {
    expect(parseCommandLine([], {})).toEqual({
      kind: 'run',
      options: { host: '127.0.0.1', port: 8787 },
    });
  });

  test('flags win over environment variables', () => {
    const env = { PORCHLIGHT_PORT: '1234', PORCHLIGHT_HOST: '0.0.0.0' };
    expect(parseCommandLine(['--port=0', '--host', '::1'], env)).toEqual({
      kind: 'run',
      options: { host: '::1', port: 0 },
    });
    expect(parseCommandLine([], env)).toEqual({
      kind: 'run',
      options: { host: '0.0.0.0', port: 1234 },
    });
  });

  test('help wins over other flags', () => {
    expect(parseCommandLine(['--port', 'x', '-h'], {})).toEqual({ kind: 'help' });
  });

  test('rejects bad input with UsageError', () => {
    const bad: Array<[string[], Record<string, string>]> = [
      [['--nope'], {}],
      [['extra'], {}],
      [['--port'], {}],
      [['--port', '1e3'], {}],
      [['--port', '65536'], {}],
      [['--host', ' '], {}],
      [[], { PORCHLIGHT_PORT: '-5' }],
    ];
    for (const [args, env] of bad) {
      expect(() => parseCommandLine(args, env), args.join(' ')).toThrow(UsageError);
    }
  });
});

describe('formatWebSocketUrl', () => {
  test('brackets IPv6 addresses only', () => {
    expect(formatWebSocketUrl('127.0.0.1', 8787)).toBe('ws://127.0.0.1:8787');
    expect(formatWebSocketUrl('::1', 8787)).toBe('ws://[::1]:8787');
  });
});
