import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Listens for `change` events on one client or call while the host element is connected, and
 * calls `onChange` for each. Setting `target` moves the listener to the new object.
 */
export class ChangeController implements ReactiveController {
  readonly #onChange: () => void;
  #target: EventTarget | null = null;
  #connected = false;

  constructor(host: ReactiveControllerHost, onChange: () => void) {
    this.#onChange = onChange;
    host.addController(this);
  }

  get target(): EventTarget | null {
    return this.#target;
  }

  set target(target: EventTarget | null) {
    if (target === this.#target) return;
    if (this.#connected) this.#target?.removeEventListener('change', this.#handleChange);
    this.#target = target;
    if (this.#connected) this.#target?.addEventListener('change', this.#handleChange);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#target?.addEventListener('change', this.#handleChange);
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#target?.removeEventListener('change', this.#handleChange);
  }

  readonly #handleChange = (): void => {
    this.#onChange();
  };
}
