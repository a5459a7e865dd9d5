import type { SignalPayload } from '@porchlight/protocol';
import { describe, expect, test } from 'vitest';
import { randomRoom, runRelayCli, startRelayProcess, TestClient } from './_test-client.js';
import { envName } from './cli-options.js';

describe('porchlight-signaling', () => {
  test('--help lists every flag with its default', async () => {
    const { code, stdout, stderr } = await runRelayCli(['--help']);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    const names = [
      'port',
      'host',
      'max-message-bytes',
      'hello-timeout-ms',
      'heartbeat-interval-ms',
      'knock-timeout-ms',
      'max-waiting-per-room',
      'rate-limit',
      'rate-burst',
      'rate-limit-close-after',
      'max-connections-per-address',
      'max-buffered-bytes',
      'shutdown-grace-ms',
      'allowed-origins',
      'trust-proxy',
      'turn-urls',
      'turn-secret',
      'turn-ttl-seconds',
      'rooms',
      'rooms-file',
      'log-level',
    ];
    const flags = names.flatMap((name) => [`--${name}`, envName(name)]);
    for (const text of [...flags, '8787', '127.0.0.1']) {
      expect(stdout, text).toContain(text);
    }
  });

  test('unknown flag exits with 2', async () => {
    const { code, stdout, stderr } = await runRelayCli(['--verbose']);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--verbose');
    // The error stays in view: one line and a pointer to --help, not the whole usage.
    expect(stderr.trim().split('\n')).toHaveLength(2);
    expect(stderr).toContain('--help');
  });

  test('invalid port exits with 2', async () => {
    for (const port of ['abc', '-1', '65536', '']) {
      const { code, stderr } = await runRelayCli(['--port', port]);
      expect(code, port).toBe(2);
      expect(stderr, port).toContain('--port');
    }
  });

  test('invalid PORCHLIGHT_PORT exits with 2', async () => {
    const { code, stderr } = await runRelayCli([], { PORCHLIGHT_PORT: '80.5' });

    expect(code).toBe(2);
    expect(stderr).toContain('PORCHLIGHT_PORT');
  });

  test('prints its address and served rooms', async () => {
    const relay = await startRelayProcess(['--port', '0', '--host', '127.0.0.1']);

    expect(relay.stdout()).toBe(
      `porchlight-signaling listening on ws://127.0.0.1:${relay.port}\n` +
        'porchlight-signaling serves every room id (no --rooms or --rooms-file)\n',
    );
    expect(relay.port).toBeGreaterThan(0);
    expect(await relay.stop()).toBe(0);
  });

  test('says when a room list is active', async () => {
    const rooms = [randomRoom(), randomRoom()];
    const relay = await startRelayProcess(['--port', '0', `--rooms=${rooms.join(',')}`]);

    expect(relay.stdout()).toContain('porchlight-signaling serves only the 2 listed room ids\n');
    expect(await relay.stop()).toBe(0);
  });

  test('takes the port and host from the environment', async () => {
    const relay = await startRelayProcess([], {
      PORCHLIGHT_PORT: '0',
      PORCHLIGHT_HOST: '127.0.0.1',
    });

    expect(relay.url).toBe(`ws://127.0.0.1:${relay.port}`);
    const client = await TestClient.join(relay.url, 'host', randomRoom());
    await client.close();
    expect(await relay.stop()).toBe(0);
  });

  test('flag overrides the environment', async () => {
    const relay = await startRelayProcess(['--port', '0'], { PORCHLIGHT_PORT: 'not-a-port' });

    expect(relay.port).toBeGreaterThan(0);
    expect(await relay.stop()).toBe(0);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`${signal} closes connections with 1001 and exits with 0`, async () => {
      const relay = await startRelayProcess();
      const client = await TestClient.join(relay.url, 'visitor', randomRoom());
      const idle = await TestClient.connect(relay.url);

      const exitCode = relay.stop(signal);
      expect((await client.closed).code).toBe(1001);
      expect((await idle.closed).code).toBe(1001);
      expect(await exitCode).toBe(0);
    });
  }

  test('stderr log holds JSON lines without personal data', async () => {
    const relay = await startRelayProcess();
    const room = randomRoom();
    const sdp = 'v=0\r\no=- 4611731400430051336 2 IN IP4 192.0.2.44\r\n';
    const offer: SignalPayload = { type: 'offer', sdp };

    const visitor = await TestClient.join(relay.url, 'visitor', room);
    const host = await TestClient.join(relay.url, 'host', room);
    host.send({ type: 'set-presence', status: 'available', message: 'Open door hours' });
    await visitor.next('presence');
    await visitor.next('presence');
    visitor.send({ type: 'knock', name: 'Robin Private' });
    const { callId } = await visitor.next('waiting');
    host.send({ type: 'admit', callId });
    await visitor.next('admitted');
    visitor.send({ type: 'signal', callId, data: offer });
    await host.next('signal');
    visitor.send({ type: 'hang-up', callId });
    await host.next('call-ended');
    await visitor.close();
    await host.close();
    expect(await relay.stop()).toBe(0);

    const lines = relay.stderr().trim().split('\n');
    const events = lines.map((line) => (JSON.parse(line) as { event: string }).event);
    for (const event of ['listening', 'connection-opened', 'hello-accepted', 'call-admitted']) {
      expect(events, event).toContain(event);
    }
    expect(events).toContain('call-ended');
    expect(events).toContain('connection-closed');
    expect(events.at(-1)).toBe('closed');

    const log = relay.stderr();
    for (const secret of [room, 'Robin', 'Open door', '192.0.2.44', '4611731400430051336']) {
      expect(log, secret).not.toContain(secret);
    }
  });
});
