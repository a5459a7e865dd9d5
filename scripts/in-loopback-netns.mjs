#!/usr/bin/env node
// Runs a command inside a new network namespace that has only the loopback interface, so browsers
// in tests gather ICE candidates and send connectivity checks nowhere but 127.0.0.1 and ::1.
//
// Usage: node scripts/in-loopback-netns.mjs COMMAND [ARGS...]
//
// The command gets PORCHLIGHT_IN_NETNS=1 inside the namespace, or PORCHLIGHT_IN_NETNS=0 when
// `unshare` is missing or not permitted (a developer laptop) and the command runs in the normal
// namespace. Whenever PORCHLIGHT_IN_NETNS is already set, the command runs as it is, so wrappers
// never nest. The exit code and a terminating signal of the command become this process's own.
import { spawn, spawnSync } from 'node:child_process';
import process from 'node:process';

const LOOPBACK_SETUP = 'ip link set lo up';
const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Tells whether this machine lets us create a network namespace and bring up its `lo`. */
function canUnshareNetwork() {
  const probe = spawnSync('unshare', ['-n', 'sh', '-c', LOOPBACK_SETUP], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** Starts the command, mirrors its exit status, and passes termination signals on to it. */
function runAndMirror(file, args, env) {
  const child = spawn(file, args, { stdio: 'inherit', env });

  const forward = (signal) => child.kill(signal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);

  child.on('error', (error) => {
    const reason = error.code === 'ENOENT' ? 'command not found' : error.message;
    process.stderr.write(`in-loopback-netns: failed to start "${file}": ${reason}\n`);
    process.exit(127);
  });

  child.on('exit', (code, signal) => {
    for (const name of FORWARDED_SIGNALS) process.off(name, forward);
    if (signal !== null) {
      // Die of the same signal so that callers (npm, CI) see how the command ended.
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

const [command, ...commandArgs] = process.argv.slice(2);
if (command === undefined) {
  process.stderr.write('Usage: node scripts/in-loopback-netns.mjs COMMAND [ARGS...]\n');
  process.exit(2);
}

if (process.env.PORCHLIGHT_IN_NETNS !== undefined) {
  runAndMirror(command, commandArgs, process.env);
} else if (canUnshareNetwork()) {
  // `unshare -n` without --fork execs sh in the new namespace, and sh execs the command, so the
  // child we signal is the command itself.
  const script = `${LOOPBACK_SETUP} && exec "$@"`;
  runAndMirror('unshare', ['-n', 'sh', '-c', script, 'sh', command, ...commandArgs], {
    ...process.env,
    PORCHLIGHT_IN_NETNS: '1',
  });
} else {
  process.stderr.write(
    'in-loopback-netns: cannot create a network namespace (unshare missing or not permitted); ' +
      'calls run in the normal network namespace\n',
  );
  runAndMirror(command, commandArgs, { ...process.env, PORCHLIGHT_IN_NETNS: '0' });
}
