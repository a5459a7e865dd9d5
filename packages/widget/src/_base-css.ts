/**
 * CSS text shared by every Porchlight element and by the script-tag loader's button preview,
 * which must not pull in Lit. Elements use it through `baseStyles` in `_styles.ts`.
 */
export const baseCss = `
  :host {
    --_accent: var(--porchlight-accent, #2f6f5e);
    --_accent-text: var(--porchlight-accent-text, #ffffff);
    --_danger: var(--porchlight-danger, #b3261e);
    --_danger-text: var(--porchlight-danger-text, #ffffff);
    --_surface: var(--porchlight-surface, #ffffff);
    --_text: var(--porchlight-text, #1f2328);
    --_muted-text: var(--porchlight-muted-text, #57606a);
    --_border: var(--porchlight-border, #d0d7de);
    --_radius: var(--porchlight-radius, 0.75rem);
    --_focus: var(--porchlight-focus-ring, #1a56db);
    --_font: var(--porchlight-font, system-ui, -apple-system, 'Segoe UI', sans-serif);

    box-sizing: border-box;
    color: var(--_text);
    font-family: var(--_font);
    font-size: 1rem;
    line-height: 1.4;
  }

  :host([hidden]) {
    display: none;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  button {
    min-height: 2.75rem;
    padding: 0.6rem 1.1rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
    transition:
      background-color 150ms ease,
      transform 150ms ease;
  }

  button.primary {
    border-color: var(--_accent);
    background: var(--_accent);
    color: var(--_accent-text);
  }

  button.danger {
    border-color: var(--_danger);
    background: var(--_danger);
    color: var(--_danger-text);
  }

  button:hover:not(:disabled) {
    transform: translateY(-1px);
  }

  button:disabled {
    cursor: not-allowed;
    opacity: 0.65;
  }

  button:focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
  }

  .hint {
    margin: 0.25rem 0 0;
    color: var(--_muted-text);
    font-size: 0.9rem;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }

  @media (prefers-reduced-motion: reduce) {
    button {
      transition: none;
    }

    button:hover:not(:disabled) {
      transform: none;
    }
  }
`;
