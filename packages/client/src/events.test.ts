import { describe, expect, it } from 'vitest';
import {
  ChatMessageEvent,
  EventQueue,
  StateChangeEvent,
  TypedEventTarget,
  type CallEventMap,
  type VisitorClientEventMap,
} from './events.js';
import type { VisitorState } from './types.js';
import { VisitorClient } from './visitor.js';

describe('EventQueue', () => {
  it('dispatches events in order', () => {
    const target = new EventTarget();
    const queue = new EventQueue(target);
    const seen: string[] = [];
    for (const type of ['a', 'b', 'c']) target.addEventListener(type, () => seen.push(type));

    queue.emit(new Event('a'), new Event('b'));
    queue.emit(new Event('c'));

    expect(seen).toEqual(['a', 'b', 'c']);
  });

  it('holds events raised by a listener until the current one is done', () => {
    const target = new EventTarget();
    const queue = new EventQueue(target);
    const seen: string[] = [];
    target.addEventListener('first', () => {
      seen.push('first listener 1');
      queue.emit(new Event('nested'));
      seen.push('first listener 1 returns');
    });
    target.addEventListener('first', () => seen.push('first listener 2'));
    target.addEventListener('second', () => seen.push('second'));
    target.addEventListener('nested', () => seen.push('nested'));

    queue.emit(new Event('first'), new Event('second'));

    expect(seen).toEqual([
      'first listener 1',
      'first listener 1 returns',
      'first listener 2',
      'second',
      'nested',
    ]);
  });
});

describe('TypedEventTarget', () => {
  it('passes the typed event to the listener', () => {
    const target = new TypedEventTarget<CallEventMap>();
    const texts: string[] = [];
    target.addEventListener('chatmessage', (event) => texts.push(event.message.text));

    target.dispatchEvent(new ChatMessageEvent({ from: 'remote', text: 'hello', at: 1 }));

    expect(texts).toEqual(['hello']);
  });

  it('removes a typed listener', () => {
    const target = new TypedEventTarget<VisitorClientEventMap>();
    const states: string[] = [];
    const listener = (event: StateChangeEvent<VisitorState>) => states.push(event.state);
    target.addEventListener('statechange', listener);
    target.dispatchEvent(new StateChangeEvent('ready', 'idle'));
    target.removeEventListener('statechange', listener);
    target.dispatchEvent(new StateChangeEvent('idle', 'ready'));

    expect(states).toEqual(['ready']);
  });

  it('keeps the DOM signature for other types', () => {
    const target = new TypedEventTarget<CallEventMap>();
    const types: string[] = [];
    // `npm run typecheck` fails unless this line is a type error: a `chatmessage` listener
    // receives a ChatMessageEvent, which has no `state`.
    // @ts-expect-error
    target.addEventListener('chatmessage', (event: StateChangeEvent) => types.push(event.state));
    target.addEventListener('custom', (event: Event) => types.push(event.type));

    target.dispatchEvent(new Event('custom'));

    expect(types).toEqual(['custom']);
  });
});

describe('VisitorClient events', () => {
  it('reports each state change once, in order', async () => {
    // Port 9 (discard) on loopback refuses the connection, so the client fails to connect and
    // retries; closing stops it.
    const client = new VisitorClient({
      server: 'ws://127.0.0.1:9',
      room: 'A'.repeat(43),
      workerUrl: 'unused.js',
    });
    const changes: string[] = [];
    let changeEvents = 0;
    client.addEventListener('change', () => changeEvents++);
    client.addEventListener('statechange', (event) => {
      changes.push(`${event.previousState}->${event.state}`);
    });

    client.connect();
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.close();

    expect(changes[0]).toBe('idle->connecting');
    expect(changes.at(-1)?.endsWith('->idle')).toBe(true);
    for (const [index, change] of changes.entries()) {
      if (index === 0) continue;
      const previousState = changes[index - 1]!.split('->')[1];
      expect(change.startsWith(`${previousState}->`)).toBe(true);
    }
    expect(changeEvents).toBeGreaterThanOrEqual(changes.length);
  });
});
