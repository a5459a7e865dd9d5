/**
 * Registers `<porchlight-button>`, `<porchlight-console>` and `<porchlight-call-view>` when
 * imported. Tags that are already defined are left alone.
 *
 * @example Register the elements
 * ```ts
 * import '@porchlight/widget/define';
 * ```
 */
import { defineElements } from './_define.js';

defineElements();
