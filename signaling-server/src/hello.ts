import {
  CloseCode,
  PROTOCOL_VERSION,
  parseClientMessage,
  type ErrorCode,
  type HelloMessage,
} from '@porchlight/protocol';

/** The outcome of a connection's first frame: a v1 `hello`, or how to reject the connection. */
export type HelloResult =
  | { ok: true; hello: HelloMessage }
  | { ok: false; code: ErrorCode; message: string; closeCode: number; closeReason: string };

/**
 * Checks the first frame of a connection. Anything but a valid `hello` for this protocol
 * version is rejected with `hello-required` (close 4001), or with `unsupported-version`
 * (close 4002) when the frame is a `hello` that names another version.
 *
 * @param frame The frame as text, or undefined for a binary frame.
 */
export function checkHello(frame: string | undefined): HelloResult {
  if (frame === undefined) return helloRequired('Expected a hello message in a text frame');

  const result = parseClientMessage(frame);
  if (!result.ok) {
    // A client of a later version may send a hello that version 1 cannot parse, so the
    // version is read on its own before the shape error is reported.
    const version = peekHelloVersion(frame);
    if (version !== undefined && version !== PROTOCOL_VERSION) return unsupportedVersion(version);
    return helloRequired(`Expected a valid hello message: ${result.error}`);
  }

  const message = result.message;
  if (message.type !== 'hello') {
    return helloRequired(`Expected a hello message first: got "${message.type}"`);
  }
  if (message.version !== PROTOCOL_VERSION) return unsupportedVersion(message.version);
  return { ok: true, hello: message };
}

function peekHelloVersion(frame: string): number | undefined {
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;

  const { type, version } = value as { type?: unknown; version?: unknown };
  if (type !== 'hello' || typeof version !== 'number' || !Number.isInteger(version)) {
    return undefined;
  }
  return version;
}

function helloRequired(message: string): HelloResult {
  return {
    ok: false,
    code: 'hello-required',
    message,
    closeCode: CloseCode.helloRequired,
    closeReason: 'hello required',
  };
}

function unsupportedVersion(version: number): HelloResult {
  return {
    ok: false,
    code: 'unsupported-version',
    message: `Unsupported protocol version ${version}: expected ${PROTOCOL_VERSION}`,
    closeCode: CloseCode.unsupportedVersion,
    closeReason: 'unsupported version',
  };
}
