import { PorchlightButton } from './button.js';
import { PorchlightCallView } from './call-view.js';
import { PorchlightConsole } from './console.js';

/** Tag names and the classes registered under them. */
const elements = {
  'porchlight-call-view': PorchlightCallView,
  'porchlight-button': PorchlightButton,
  'porchlight-console': PorchlightConsole,
} as const;

/**
 * Registers every Porchlight tag that is not registered yet. A tag that is already defined, for
 * example by a second copy of the widget on the same page, is left alone.
 */
export function defineElements(registry: CustomElementRegistry = customElements): void {
  for (const [tag, element] of Object.entries(elements)) {
    if (!registry.get(tag)) registry.define(tag, element);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'porchlight-call-view': PorchlightCallView;
    'porchlight-button': PorchlightButton;
    'porchlight-console': PorchlightConsole;
  }
}
