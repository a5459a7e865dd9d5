// Bad-input stress suite: more than ten thousand generated cases from a seeded generator, sent to
// the relay process while a call in another room keeps exchanging signals. Set
// PORCHLIGHT_STRESS_SEED to replay a run with another seed; a failure names the seed and case.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { parseClientMessage, PROTOCOL_VERSION, type SignalPayload } from '@porchlight/protocol';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { randomRoom, startRelayProcess, TestClient, type RelayProcess } from './_test-client.js';

const SEED = Number(process.env.PORCHLIGHT_STRESS_SEED ?? 0x5eed_2026);
const MESSAGE_CASES = 8000;
const FIRST_FRAME_CASES = 1000;
const RAW_FRAME_CASES = 1500;
const OVERSIZED_CASES = 24;
const MAX_PAYLOAD = 64 * 1024;

/** mulberry32: a small seeded generator, so that every run with one seed sends the same cases. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
  const bytes = (length: number): Buffer => Buffer.from(Array.from({ length }, () => int(0, 255)));
  const text = (length: number): string =>
    Array.from({ length }, () => String.fromCharCode(int(32, 126))).join('');
  return { next, int, pick, bytes, text };
}

type Random = ReturnType<typeof createRandom>;

let relay: RelayProcess;

beforeAll(async () => {
  relay = await startRelayProcess([
    '--port',
    '0',
    '--rate-limit',
    '1000000',
    '--rate-burst',
    '1000000',
    '--max-connections-per-address',
    '10000',
  ]);
});

afterAll(async () => {
  await relay?.stop();
});

/** Admits a call in its own room and keeps both sides sending numbered signals to each other. */
async function startBackgroundCall() {
  const room = randomRoom();
  const host = await TestClient.join(relay.url, 'host', room);
  host.send({ type: 'set-presence', status: 'available' });
  const visitor = await TestClient.join(relay.url, 'visitor', room);
  await visitor.next('presence');
  visitor.send({ type: 'knock' });
  const { callId } = await visitor.next('waiting');
  await host.next('knock-received');
  host.send({ type: 'admit', callId });
  await visitor.next('admitted');
  await host.next('admitted');

  const received = { host: [] as number[], visitor: [] as number[] };
  const collect = (client: TestClient, into: number[]) => {
    client.socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { type: string; data?: SignalPayload };
      if (message.type === 'signal' && message.data?.type === 'offer') {
        into.push(Number(message.data.sdp.slice('seq '.length)));
      }
    });
  };
  collect(host, received.host);
  collect(visitor, received.visitor);

  let sent = 0;
  const timer = setInterval(() => {
    const data: SignalPayload = { type: 'offer', sdp: `seq ${sent}` };
    (sent % 2 === 0 ? visitor : host).send({ type: 'signal', callId, data });
    sent += 1;
  }, 5);

  return {
    host,
    visitor,
    /** Stops sending and resolves with what was sent and received once the last signal arrived. */
    async stop() {
      clearInterval(timer);
      const deadline = Date.now() + 5000;
      while (received.host.length + received.visitor.length < sent && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { sent, received };
    },
  };
}

const KNOWN_TYPES = [
  'hello',
  'set-presence',
  'knock',
  'cancel',
  'admit',
  'decline',
  'signal',
  'hang-up',
  'ask-to-wait',
];

function randomId(random: Random): string {
  return random.bytes(16).toString('hex');
}

/** Returns a JSON value of a type that no field of the protocol accepts in that place. */
function wrongValue(random: Random): unknown {
  return random.pick([
    () => random.int(-1e9, 1e9),
    () => null,
    () => true,
    () => [random.text(3)],
    () => ({ nested: random.text(4) }),
    () => random.text(random.int(300, 3000)),
    () => random.next(),
  ])();
}

/** Returns a well-formed message of a known type, for a case to break one field of. */
function validMessage(random: Random, type: string): Record<string, unknown> {
  const callId = randomId(random);
  switch (type) {
    case 'hello':
      return { type, version: PROTOCOL_VERSION, role: 'visitor', room: randomRoom() };
    case 'set-presence':
      return { type, status: 'available', message: random.text(10) };
    case 'knock':
      return { type, name: random.text(10) };
    case 'cancel':
      return { type };
    case 'signal':
      return { type, callId, data: { type: 'offer', sdp: random.text(40) } };
    case 'decline':
    case 'ask-to-wait':
      return { type, callId, message: random.text(10) };
    default:
      return { type, callId };
  }
}

/**
 * One bad message after hello, with the error code it must get. The sender is a visitor in a
 * room with no host, or a host in a room with no visitor, so none of these can change any state.
 */
function badMessage(
  random: Random,
  role: 'host' | 'visitor',
): { frame: string | Buffer; code: string } {
  const kind = random.int(0, 7);
  switch (kind) {
    case 0: {
      let frame = JSON.stringify(validMessage(random, random.pick(KNOWN_TYPES)));
      frame = frame.slice(0, random.int(1, frame.length - 1)) + random.pick(['', '}', ',', '{']);
      try {
        JSON.parse(frame);
        frame = `{${frame}`;
      } catch {
        // Invalid JSON, as intended.
      }
      return { frame, code: 'invalid-json' };
    }
    case 1:
      return { frame: random.bytes(random.int(0, 200)), code: 'invalid-message' };
    case 2: {
      const values = [
        'null',
        '1',
        '"knock"',
        '[]',
        'true',
        `[${JSON.stringify({ type: 'knock' })}]`,
      ];
      return { frame: random.pick(values), code: 'invalid-message' };
    }
    case 3: {
      const type = random.pick([
        random.text(random.int(0, 30)),
        'HELLO',
        'Knock',
        ' knock',
        'knock ',
      ]);
      const fields = KNOWN_TYPES.includes(type) ? { type: `${type}!` } : { type };
      return {
        frame: JSON.stringify({ ...fields, extra: random.text(5) }),
        code: 'invalid-message',
      };
    }
    case 4: {
      const message = validMessage(
        random,
        random.pick(KNOWN_TYPES.filter((type) => type !== 'cancel')),
      );
      const fields = Object.keys(message).filter((field) => field !== 'type');
      const field = random.pick(fields);
      if (random.next() < 0.3 && !['message', 'name'].includes(field)) delete message[field];
      else message[field] = wrongValue(random);
      // Text over the limit is the only wrong value an optional text field rejects for length.
      if (['message', 'name'].includes(field) && typeof message[field] === 'string') {
        message[field] = random.text(300);
      }
      // A second hello with another integer version is still a well-formed hello.
      const frame = JSON.stringify(message);
      const parsed = parseClientMessage(frame);
      const wellFormedHello = parsed.ok && parsed.message.type === 'hello';
      return { frame, code: wellFormedHello ? 'hello-required' : 'invalid-message' };
    }
    case 5: {
      let deep = '"x"';
      const depth = random.int(10, 1000);
      for (let level = 0; level < depth; level++)
        deep = random.next() < 0.5 ? `[${deep}]` : `{"a":${deep}}`;
      return { frame: `{"type":"knock","name":${deep}}`, code: 'invalid-message' };
    }
    case 6:
      return {
        frame: JSON.stringify({
          type: 'hello',
          version: PROTOCOL_VERSION,
          role,
          room: randomRoom(),
        }),
        code: 'hello-required',
      };
    default: {
      const callId = randomId(random);
      if (role === 'visitor') {
        const [message, code] = random.pick<[Record<string, unknown>, string]>([
          [{ type: 'admit', callId }, 'not-allowed'],
          [{ type: 'decline', callId }, 'not-allowed'],
          [{ type: 'ask-to-wait', callId }, 'not-allowed'],
          [{ type: 'set-presence', status: 'busy' }, 'not-allowed'],
          [{ type: 'cancel' }, 'not-allowed'],
          [{ type: 'knock' }, 'room-offline'],
          [{ type: 'hang-up', callId }, 'unknown-call'],
          [
            { type: 'signal', callId, data: { type: 'renegotiate', renegotiate: true } },
            'unknown-call',
          ],
        ]);
        return { frame: JSON.stringify(message), code };
      }
      const [message, code] = random.pick<[Record<string, unknown>, string]>([
        [{ type: 'knock' }, 'not-allowed'],
        [{ type: 'cancel' }, 'not-allowed'],
        [{ type: 'admit', callId }, 'unknown-call'],
        [{ type: 'decline', callId }, 'unknown-call'],
        [{ type: 'ask-to-wait', callId }, 'unknown-call'],
        [{ type: 'hang-up', callId }, 'unknown-call'],
      ]);
      return { frame: JSON.stringify(message), code };
    }
  }
}

/** A bad first frame, with the error code and close code it must get. */
function badFirstFrame(random: Random): { frame: string | Buffer; code: string; close: number } {
  const kind = random.int(0, 4);
  if (kind === 0) {
    const version = random.pick([0, 2, 3, -1, 99, random.int(2, 1e6)]);
    const hello = { type: 'hello', version, role: random.pick(['host', 'visitor', 42]) };
    return { frame: JSON.stringify(hello), code: 'unsupported-version', close: 4002 };
  }
  if (kind === 1)
    return { frame: random.bytes(random.int(1, 100)), code: 'hello-required', close: 4001 };
  if (kind === 2) {
    const message = validMessage(
      random,
      random.pick(KNOWN_TYPES.filter((type) => type !== 'hello')),
    );
    return { frame: JSON.stringify(message), code: 'hello-required', close: 4001 };
  }
  if (kind === 3)
    return { frame: random.text(random.int(0, 50)), code: 'hello-required', close: 4001 };
  const hello = validMessage(random, 'hello');
  const field = random.pick(['role', 'room', 'version', 'type']);
  const value = random.pick([null, 1.5, 'x y', [], {}]);
  hello[field] = value;
  // Any text is a well-formed room, so text that is no room id gets room-unknown instead.
  if (field === 'room' && typeof value === 'string') {
    return { frame: JSON.stringify(hello), code: 'room-unknown', close: 4004 };
  }
  return { frame: JSON.stringify(hello), code: 'hello-required', close: 4001 };
}

// ---------------------------------------------------------------------------------------------
// Raw WebSocket frames (RFC 6455 section 5.2), written to a TCP socket after a real handshake.
// ---------------------------------------------------------------------------------------------

interface FrameSpec {
  fin?: boolean;
  rsv?: number;
  opcode: number;
  masked?: boolean;
  payload?: Buffer;
  /** A length field that does not match the payload: 127 with these 8 bytes. */
  lengthBytes?: Buffer;
}

function encodeFrame(spec: FrameSpec, random: Random): Buffer {
  const payload = spec.payload ?? Buffer.alloc(0);
  const masked = spec.masked ?? true;
  const first = ((spec.fin ?? true) ? 0x80 : 0) | ((spec.rsv ?? 0) << 4) | spec.opcode;
  const maskBit = masked ? 0x80 : 0;
  let header: Buffer;
  if (spec.lengthBytes !== undefined) {
    header = Buffer.concat([Buffer.from([first, maskBit | 127]), spec.lengthBytes]);
  } else if (payload.length < 126) {
    header = Buffer.from([first, maskBit | payload.length]);
  } else if (payload.length < 65_536) {
    header = Buffer.from([first, maskBit | 126, payload.length >> 8, payload.length & 0xff]);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = random.bytes(4);
  const body = Buffer.from(payload.map((byte, index) => byte ^ (mask[index % 4] as number)));
  return Buffer.concat([header, mask, body]);
}

function closePayload(code: number, reason = Buffer.alloc(0)): Buffer {
  const payload = Buffer.alloc(2);
  payload.writeUInt16BE(code, 0);
  return Buffer.concat([payload, reason]);
}

/** Returns bytes that break the framing rules, with the close code the relay must send. */
function badRawFrames(random: Random): { name: string; bytes: Buffer; close: number } {
  const kind = random.int(0, 12);
  const frame = (spec: FrameSpec) => encodeFrame(spec, random);
  const text = Buffer.from(random.text(random.int(0, 60)));
  switch (kind) {
    case 0:
      return {
        name: 'reserved bits',
        bytes: frame({
          opcode: 1,
          rsv: random.int(1, 7),
          payload: random.bytes(random.int(0, 60)),
        }),
        close: 1002,
      };
    case 1:
      return {
        name: 'reserved opcode',
        bytes: frame({ opcode: random.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), payload: text }),
        close: 1002,
      };
    case 2:
      return {
        name: 'unmasked client frame',
        bytes: frame({ opcode: random.pick([1, 2, 8, 9]), masked: false, payload: text }),
        close: 1002,
      };
    case 3: {
      const invalid = random.pick([
        0,
        999,
        1004,
        1005,
        1006,
        1015,
        1016,
        2999,
        5000,
        65_535,
        random.int(1016, 2999),
      ]);
      return {
        name: `invalid close code ${invalid}`,
        bytes: frame({ opcode: 8, payload: closePayload(invalid) }),
        close: 1002,
      };
    }
    case 4:
      return {
        name: 'one-byte close payload',
        bytes: frame({ opcode: 8, payload: random.bytes(1) }),
        close: 1002,
      };
    case 5:
      return {
        name: 'control frame over 125 bytes',
        bytes: frame({
          opcode: random.pick([8, 9, 10]),
          payload: random.bytes(random.int(126, 400)),
        }),
        close: 1002,
      };
    case 6:
      return {
        name: 'fragmented control frame',
        bytes: frame({ opcode: random.pick([9, 10]), fin: false, payload: text }),
        close: 1002,
      };
    case 7:
      return {
        name: 'continuation without start',
        bytes: frame({ opcode: 0, payload: text }),
        close: 1002,
      };
    case 8:
      return {
        name: 'new message inside a fragmented one',
        bytes: Buffer.concat([
          frame({ opcode: 1, fin: false, payload: text }),
          frame({ opcode: random.pick([1, 2]), payload: text }),
        ]),
        close: 1002,
      };
    case 9: {
      const invalid = random.pick([
        [0xff],
        [0xc0, 0xaf],
        [0xed, 0xa0, 0x80],
        [0xf8, 0x88, 0x80, 0x80, 0x80],
        [0x80],
      ]);
      return {
        name: 'invalid UTF-8 text',
        bytes: frame({ opcode: 1, payload: Buffer.concat([text, Buffer.from(invalid)]) }),
        close: 1007,
      };
    }
    case 10: {
      const reason = Buffer.concat([Buffer.from('bye'), Buffer.from([0xff, 0xfe])]);
      return {
        name: 'invalid UTF-8 close reason',
        bytes: frame({ opcode: 8, payload: closePayload(1000, reason) }),
        close: 1007,
      };
    }
    case 11: {
      const lengthBytes = Buffer.alloc(8);
      lengthBytes.writeUInt32BE(random.int(0x0020_0000, 0xffff_ffff), 0);
      return {
        name: 'length over 2^53',
        bytes: frame({ opcode: random.pick([1, 2]), lengthBytes }),
        close: 1009,
      };
    }
    default: {
      const lengthBytes = Buffer.alloc(8);
      lengthBytes.writeBigUInt64BE(BigInt(random.int(MAX_PAYLOAD + 1, 2 ** 40)), 0);
      return {
        name: 'length over the message limit',
        bytes: frame({ opcode: random.pick([1, 2]), lengthBytes }),
        close: 1009,
      };
    }
  }
}

/**
 * Opens a TCP connection, completes the WebSocket handshake, writes `bytes` and resolves with the
 * close code of the relay's close frame, or null when the socket closed without one.
 */
function sendRawFrames(port: number, bytes: Buffer): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let upgraded = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('Relay sent no close frame within 5 s'));
    }, 5000);
    const finish = (code: number | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(code);
    };

    socket.on('connect', () => {
      const key = randomBytes(16).toString('base64');
      socket.write(
        `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
          'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = received.subarray(0, end).toString('latin1');
        if (!head.startsWith('HTTP/1.1 101')) {
          clearTimeout(timer);
          socket.destroy();
          reject(new Error(`Upgrade failed: ${head.split('\r\n')[0]}`));
          return;
        }
        upgraded = true;
        received = received.subarray(end + 4);
        socket.write(bytes);
      }
      // The relay sends nothing before hello, so its first frame is the close frame.
      if (received.length >= 4 && received[0] === 0x88) finish(received.readUInt16BE(2));
    });
    socket.on('error', () => {});
    socket.on('close', () => finish(null));
  });
}

describe('bad input', () => {
  test(
    'relay survives every generated case and the call carries on',
    { timeout: 120_000 },
    async () => {
      const random = createRandom(SEED);
      const call = await startBackgroundCall();
      let cases = 0;
      const where = (index: number, name: string) => `seed ${SEED}, case ${index}: ${name}`;

      // 1. Bad messages after hello, in batches on long-lived connections.
      const senders = {
        visitor: await TestClient.join(relay.url, 'visitor', randomRoom()),
        host: await TestClient.join(relay.url, 'host', randomRoom()),
      };
      await senders.visitor.next('presence');
      for (let start = 0; start < MESSAGE_CASES; start += 200) {
        const batch = [];
        for (let index = start; index < start + 200; index++) {
          const role = random.pick(['visitor', 'host'] as const);
          const bad = badMessage(random, role);
          senders[role].sendRaw(bad.frame, Buffer.isBuffer(bad.frame));
          batch.push({ index, role, ...bad });
        }
        for (const { index, role, code, frame } of batch) {
          const error = await senders[role].next('error');
          const framePreview = String(frame).slice(0, 80);
          expect(error.code, where(index, `${role} sent ${framePreview}`)).toBe(code);
          cases += 1;
        }
      }
      expect(senders.visitor.received).toEqual([]);
      expect(senders.host.received).toEqual([]);

      // 2. Bad first frames, each on a new connection, eight at a time.
      for (let start = 0; start < FIRST_FRAME_CASES; start += 8) {
        await Promise.all(
          Array.from({ length: 8 }, async (_, offset) => {
            const bad = badFirstFrame(random);
            const client = await TestClient.connect(relay.url);
            client.sendRaw(bad.frame, Buffer.isBuffer(bad.frame));
            const name = where(start + offset, String(bad.frame).slice(0, 80));
            expect((await client.next('error')).code, name).toBe(bad.code);
            expect((await client.closed).code, name).toBe(bad.close);
            cases += 1;
          }),
        );
      }

      // 3. Frames that break RFC 6455, written to raw TCP sockets, eight at a time.
      for (let start = 0; start < RAW_FRAME_CASES; start += 8) {
        await Promise.all(
          Array.from({ length: 8 }, async (_, offset) => {
            const bad = badRawFrames(random);
            const code = await sendRawFrames(relay.port, bad.bytes);
            expect(code, where(start + offset, bad.name)).toBe(bad.close);
            cases += 1;
          }),
        );
      }

      // 4. Messages over the 64 KiB limit close with 1009.
      for (let index = 0; index < OVERSIZED_CASES; index++) {
        const client = await TestClient.join(
          relay.url,
          random.pick(['host', 'visitor']),
          randomRoom(),
        );
        const size = MAX_PAYLOAD + random.int(1, 4096);
        client.sendRaw(
          random.next() < 0.5 ? 'x'.repeat(size) : random.bytes(size),
          index % 2 === 1,
        );
        expect((await client.closed).code, where(index, `${size} bytes`)).toBe(1009);
        cases += 1;
      }

      expect(cases).toBeGreaterThanOrEqual(10_000);
      expect(relay.child.exitCode).toBeNull();
      expect(relay.stderr()).not.toContain('handler-failed');
      const health = await fetch(`${relay.httpUrl}/healthz`);
      expect(health.status).toBe(200);

      const { sent, received } = await call.stop();
      expect(sent).toBeGreaterThan(100);
      const evens = Array.from({ length: Math.ceil(sent / 2) }, (_, index) => index * 2);
      const odds = Array.from({ length: Math.floor(sent / 2) }, (_, index) => index * 2 + 1);
      expect(received.host).toEqual(evens);
      expect(received.visitor).toEqual(odds);
      const leftovers = [...(await call.host.sync()), ...(await call.visitor.sync())];
      const types = leftovers.map((message) => message.type);
      expect(types).not.toContain('call-ended');
      expect(types).not.toContain('error');
      expect(call.host.socket.readyState).toBe(WebSocket.OPEN);
      expect(call.visitor.socket.readyState).toBe(WebSocket.OPEN);
    },
  );
});
