import { unsafeCSS } from 'lit';
import { baseCss } from './_base-css.js';

/**
 * Styles shared by every Porchlight element. Colours and sizes come from custom properties so
 * that the host page can theme the elements without reaching into their shadow roots.
 */
export const baseStyles = unsafeCSS(baseCss);
