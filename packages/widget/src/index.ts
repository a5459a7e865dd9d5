/**
 * Porchlight web components. Importing this module registers nothing: import
 * `@porchlight/widget/define` for that, or call `customElements.define` with your own tag names.
 */
export { PorchlightButton, type ButtonPresence } from './button.js';
export { PorchlightCallView } from './call-view.js';
export { PorchlightConsole, type ConsoleStatus } from './console.js';
export { PorchlightIdentityChangeEvent, PorchlightIdentityKey } from './identity-key.js';
export { setDefaultWorkerUrl } from './_config.js';
export {
  PorchlightCallEndEvent,
  PorchlightCallStartEvent,
  PorchlightHangUpRequestEvent,
  PorchlightKnockEvent,
  type CallEndDetail,
  type CallStartDetail,
  type KnockDetail,
} from './events.js';
