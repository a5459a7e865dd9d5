import { parseArgs } from 'node:util';

/** Settings of the command-line relay after flags and environment variables are merged. */
export interface CliOptions {
  host: string;
  port: number;
}

/** The result of reading the command line: run the relay, or print help. */
export type CliCommand = { kind: 'run'; options: CliOptions } | { kind: 'help' };

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';

export const USAGE = `Usage: porchlight-signaling [options]

Runs the Porchlight signaling relay. Flags override environment variables.

Options:
  --port <number>    TCP port to listen on, 0 picks a free port
                     (env PORCHLIGHT_PORT, default ${DEFAULT_PORT})
  --host <address>   Address to bind (env PORCHLIGHT_HOST, default ${DEFAULT_HOST})
  -h, --help         Print this help and exit
`;

/** A command line the relay cannot run with. The CLI prints the message and exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Reads flags and environment variables.
 *
 * @throws {UsageError} On an unknown flag, a missing value or a port outside 0 to 65535.
 */
export function parseCommandLine(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliCommand {
  let values: { port?: string | undefined; host?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }

  if (values.help === true) return { kind: 'help' };

  const portText = values.port ?? env.PORCHLIGHT_PORT ?? String(DEFAULT_PORT);
  const portSource = values.port !== undefined ? '--port' : 'PORCHLIGHT_PORT';
  const host = values.host ?? env.PORCHLIGHT_HOST ?? DEFAULT_HOST;
  const hostSource = values.host !== undefined ? '--host' : 'PORCHLIGHT_HOST';

  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65_535) {
    throw new UsageError(
      `Invalid ${portSource} "${portText}": expected an integer from 0 to 65535`,
    );
  }
  if (host.trim() === '') throw new UsageError(`Invalid ${hostSource}: expected an address`);

  return { kind: 'run', options: { host, port: Number(portText) } };
}

/** Formats the WebSocket URL of a listening address, with brackets around IPv6 addresses. */
export function formatWebSocketUrl(host: string, port: number): string {
  return host.includes(':') ? `ws://[${host}]:${port}` : `ws://${host}:${port}`;
}
