// Runs a full signaling exchange through the relay process at the most detailed log level and
// searches the captured log for every personal or secret value that passed through the relay.
import type { SignalPayload } from '@porchlight/protocol';
import { describe, expect, test } from 'vitest';
import { randomRoom, startRelayProcess, TestClient } from './_test-client.js';

describe('relay log', () => {
  test('holds no name, address, SDP, candidate, key or credential', async () => {
    const turnSecret = 'turn-secret-4b1c9e';
    const relay = await startRelayProcess(
      ['--port', '0', '--log-level', 'debug', '--trust-proxy'],
      { PORCHLIGHT_TURN_SECRET: turnSecret, PORCHLIGHT_TURN_URLS: 'turn:127.0.0.1:3478' },
    );
    const room = randomRoom();
    const forwardedFor = { headers: { 'x-forwarded-for': '203.0.113.77' } };
    const visitorName = 'Robin Privatename';
    const presenceText = 'Back from lunch at two';
    const askText = 'Finishing a session, ten minutes';
    const sdp =
      'v=0\r\no=- 4611731400430051336 2 IN IP4 198.51.100.23\r\ns=-\r\n' +
      'c=IN IP4 198.51.100.23\r\na=fingerprint:sha-256 AB:CD:EF:01:23:45\r\n';
    const candidate = 'candidate:842163049 1 udp 1677729535 192.0.2.201 61234 typ srflx';
    const x25519 = 'Qm9ndXNLZXlTaGFyZUZvclByaXZhY3lUZXN0MDEyMzQ';

    const host = await TestClient.join(relay.url, 'host', room, forwardedFor);
    const visitor = await TestClient.join(relay.url, 'visitor', room, forwardedFor);
    await visitor.next('presence');
    host.send({ type: 'set-presence', status: 'available', message: presenceText });
    await visitor.next('presence');
    visitor.send({ type: 'knock', name: visitorName });
    const { callId } = await visitor.next('waiting');
    await host.next('knock-received');
    host.send({ type: 'ask-to-wait', callId, message: askText });
    await visitor.next('asked-to-wait');
    host.send({ type: 'admit', callId });
    const admitted = await visitor.next('admitted');
    const hostAdmitted = await host.next('admitted');

    const signals: SignalPayload[] = [
      { type: 'offer', sdp },
      { type: 'candidate', candidate: { candidate, sdpMid: '0', sdpMLineIndex: 0 } },
      { type: 'key-share', x25519 },
    ];
    for (const data of signals) {
      visitor.send({ type: 'signal', callId, data });
      await host.next('signal');
    }
    host.send({ type: 'signal', callId, data: { type: 'answer', sdp } });
    await visitor.next('signal');
    // An invalid message carrying the name, so the error path is searched too.
    visitor.send({ type: 'knock', name: `${visitorName} ${'x'.repeat(80)}` });
    await visitor.next('error');
    visitor.send({ type: 'hang-up', callId });
    await host.next('call-ended');
    await visitor.close();
    await host.close();
    expect(await relay.stop()).toBe(0);

    const log = relay.stderr();
    const lines = log.trim().split('\n');
    const events = lines.map((line) => (JSON.parse(line) as { event: string }).event);
    for (const event of ['hello-accepted', 'call-admitted', 'call-ended', 'closed']) {
      expect(events, event).toContain(event);
    }

    const credentials = [admitted, hostAdmitted].flatMap((message) => [
      message.iceServers?.[0]?.username ?? 'missing username',
      message.iceServers?.[0]?.credential ?? 'missing credential',
    ]);
    const secrets = [
      room,
      visitorName,
      'Privatename',
      presenceText,
      askText,
      '203.0.113.77',
      '198.51.100.23',
      '192.0.2.201',
      '4611731400430051336',
      'AB:CD:EF',
      '842163049',
      x25519,
      turnSecret,
      ...credentials,
    ];
    for (const secret of secrets) expect(log, secret).not.toContain(secret);
  });
});
