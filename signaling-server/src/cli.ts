import { formatWebSocketUrl, parseCommandLine, USAGE, UsageError } from './cli-options.js';
import { createPinoLogger } from './log.js';
import { createRelay } from './relay.js';

/**
 * Runs the relay from the command line. Prints one line,
 * `porchlight-signaling listening on ws://HOST:PORT`, to stdout once it listens, so scripts can
 * wait for it. On SIGINT or SIGTERM it stops accepting connections, sends every client
 * `going-away`, closes every connection with 1001 and exits with 0. It
 * exits with 1 when it cannot listen and with 2 on bad flags.
 */
async function main(): Promise<number | undefined> {
  let command;
  try {
    command = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    // The one-line error only: the full usage would push it out of sight.
    process.stderr.write(
      `porchlight-signaling: ${error.message}\n` +
        'Run porchlight-signaling --help to list every option.\n',
    );
    return 2;
  }
  if (command.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }

  const { logLevel, ...options } = command.options;
  const relay = createRelay({ ...options, log: createPinoLogger(logLevel) });
  let address;
  try {
    address = await relay.listen();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`porchlight-signaling: listen failed: ${reason}\n`);
    return 1;
  }
  // Handlers go in before the line is printed: a script may send a signal as soon as it reads
  // the line, and the default action would kill the process without closing connections.
  const stop = (): void => {
    // A second signal during the close grace period ends the process at once.
    process.once('SIGINT', () => process.exit(1));
    process.once('SIGTERM', () => process.exit(1));
    relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  // The second line shows the operator whether a room list took effect. One write keeps both
  // lines in one chunk for scripts that wait for the first.
  const url = formatWebSocketUrl(address.host, address.port);
  const served =
    options.rooms === undefined
      ? 'every room id (no --rooms or --rooms-file)'
      : `only the ${options.rooms.length} listed room ids`;
  process.stdout.write(
    `porchlight-signaling listening on ${url}\nporchlight-signaling serves ${served}\n`,
  );
  return undefined;
}

main().then(
  (exitCode) => {
    if (exitCode !== undefined) process.exitCode = exitCode;
  },
  (error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`porchlight-signaling: failed to start: ${reason}\n`);
    process.exitCode = 1;
  },
);
