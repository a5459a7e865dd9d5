import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import {
  IdentityBackupError,
  MIN_PASSPHRASE_LENGTH,
  checkPassphrase,
  parseIdentityBackup,
  type IdentityBackup,
} from './_identity-backup.js';
import { createIdentity, restoreIdentity, type IdentityRecord } from './_identity-store.js';
import { identityKeyEnglish, identityKeyStringsFor } from './_identity-key-strings.js';
import { baseStyles } from './_styles.js';

/** Fired when the element created or restored an identity and stored it. */
export class PorchlightIdentityChangeEvent extends Event {
  static readonly eventName = 'porchlight-identity-change';
  readonly record: IdentityRecord;

  constructor(record: IdentityRecord) {
    super(PorchlightIdentityChangeEvent.eventName);
    this.record = record;
  }
}

/**
 * Registers `<porchlight-identity-key>` unless the tag is taken. The console calls this when it
 * loads this module, which it does only on demand, so visitors' pages never download it.
 */
export function defineIdentityKey(registry: CustomElementRegistry = customElements): void {
  if (!registry.get('porchlight-identity-key')) {
    registry.define('porchlight-identity-key', PorchlightIdentityKey);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'porchlight-identity-key': PorchlightIdentityKey;
  }
}

/** How long a download's Blob URL stays valid, in milliseconds. */
const DOWNLOAD_URL_LIFETIME_MS = 60_000;

/** Returns the file name of a backup: `porchlight-identity-` and the first 8 characters of room. */
export function backupFileName(room: string): string {
  return `porchlight-identity-${room.slice(0, 8)}.json`;
}

/**
 * The console's panel for the therapist's identity key: create it under a backup passphrase,
 * download the encrypted backup, or restore a key from a backup file. Used inside
 * `<porchlight-console>`, which passes the stored record and listens for changes.
 *
 * @tag porchlight-identity-key
 *
 * @event porchlight-identity-change - A key was created or restored and stored. Not composed.
 *
 * @csspart warning - The warning that losing the key changes the room id.
 * @csspart create - The form that creates a key.
 * @csspart download - The "Download backup" button.
 * @csspart restore - The form that restores a key from a backup file.
 * @csspart message - The result or error of the last action.
 */
export class PorchlightIdentityKey extends LitElement {
  static override properties = {
    record: { attribute: false },
  };

  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }

      form,
      section {
        display: flex;
        flex-direction: column;
        gap: 0.5rem;
      }

      h2,
      h3 {
        margin: 0;
        font-size: 1.1rem;
      }

      h3 {
        font-size: 1rem;
      }

      p {
        margin: 0;
      }

      label {
        display: flex;
        flex-direction: column;
        gap: 0.25rem;
      }

      .warning {
        padding: 0.5rem 0.75rem;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        background: var(--_surface);
      }
    `,
  ];

  /** The stored identity, or null when this browser holds none yet. */
  declare record: IdentityRecord | null;

  #busy = false;
  /** Text of the last result or error. A function, so it renders in the element's language. */
  #message: { text: () => string; alert: boolean } | null = null;
  /** Backup read from the chosen file, shown before restoring so the room id can be checked. */
  #chosenBackup: IdentityBackup | null = null;

  constructor() {
    super();
    this.record = null;
  }

  /** Texts in the language of the nearest `lang` attribute, or English; set at each update. */
  #text = identityKeyEnglish;

  /** Renders in the language of the nearest `lang` attribute, or English. */
  protected override update(changed: PropertyValues<this>): void {
    this.#text = identityKeyStringsFor(this);
    super.update(changed);
  }

  protected override render(): TemplateResult {
    const record = this.record;
    return html`
      <section>
        <h2>${record ? this.#text.heading : this.#text.createHeading}</h2>
        <p class="warning" part="warning">${this.#text.warning}</p>
        ${record === null ? this.#renderCreate(false) : nothing}
        ${record?.backup ? this.#renderDownload() : nothing}
        ${record && !record.backup ? this.#renderNoBackup() : nothing} ${this.#renderMessage()}
        ${this.#renderRestore()}
      </section>
    `;
  }

  #renderCreate(replace: boolean): TemplateResult {
    return html`
      <form part="create" @submit=${(event: SubmitEvent) => this.#handleCreate(event, replace)}>
        ${replace ? nothing : html`<p class="hint">${this.#text.createIntro}</p>`}
        <label>
          ${this.#text.passphrase}
          <input
            name="passphrase"
            type="password"
            autocomplete="new-password"
            required
            minlength=${MIN_PASSPHRASE_LENGTH}
          />
          <span class="hint">${this.#text.passphraseHint(MIN_PASSPHRASE_LENGTH)}</span>
        </label>
        <label>
          ${this.#text.repeatPassphrase}
          <input name="repeat" type="password" autocomplete="new-password" required />
        </label>
        <div>
          <button class="primary" type="submit" ?disabled=${this.#busy}>
            ${replace ? this.#text.createNew : this.#text.create}
          </button>
        </div>
      </form>
    `;
  }

  #renderDownload(): TemplateResult {
    return html`
      <p class="hint">${this.#text.backupHint}</p>
      <div>
        <button part="download" type="button" @click=${this.#handleDownloadClick}>
          ${this.#text.downloadBackup}
        </button>
      </div>
    `;
  }

  #renderNoBackup(): TemplateResult {
    return html`
      <p class="status">${this.#text.noBackup}</p>
      <p class="hint">${this.#text.noBackupAction}</p>
      ${this.#renderCreate(true)}
    `;
  }

  #renderRestore(): TemplateResult {
    const room = this.#chosenBackup?.room;
    return html`
      <form part="restore" @submit=${this.#handleRestore}>
        <h3>${this.#text.restoreHeading}</h3>
        <p class="hint">${this.#text.restoreHint}</p>
        <label>
          ${this.#text.backupFile}
          <input
            name="file"
            type="file"
            accept="application/json,.json"
            @change=${this.#handleFileChange}
          />
        </label>
        ${room ? html`<p class="hint"><code>${room}</code></p>` : nothing}
        <label>
          ${this.#text.passphrase}
          <input name="passphrase" type="password" autocomplete="current-password" required />
        </label>
        <div>
          <button type="submit" ?disabled=${this.#busy}>${this.#text.restore}</button>
        </div>
      </form>
    `;
  }

  #renderMessage(): TemplateResult | typeof nothing {
    const message = this.#message;
    if (!message) return nothing;
    return html`
      <p part="message" role=${message.alert ? 'alert' : 'status'}>${message.text()}</p>
    `;
  }

  async #handleCreate(event: SubmitEvent, replace: boolean): Promise<void> {
    event.preventDefault();
    if (this.#busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const passphrase = String(data.get('passphrase') ?? '');
    try {
      checkPassphrase(passphrase);
    } catch {
      this.#show(() => this.#text.passphraseTooShort(MIN_PASSPHRASE_LENGTH), true);
      return;
    }
    if (passphrase !== String(data.get('repeat') ?? '')) {
      this.#show(() => this.#text.passphraseMismatch, true);
      return;
    }

    this.#busy = true;
    this.#show(() => this.#text.creating, false);
    try {
      const record = await createIdentity(passphrase, replace);
      form.reset();
      this.#message = null;
      this.dispatchEvent(new PorchlightIdentityChangeEvent(record));
    } catch (error) {
      this.#showError(error);
    } finally {
      this.#busy = false;
      this.requestUpdate();
    }
  }

  async #handleFileChange(event: Event): Promise<void> {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    this.#chosenBackup = null;
    this.#message = null;
    this.requestUpdate();
    if (!file) return;
    try {
      this.#chosenBackup = parseIdentityBackup(await file.text());
    } catch (error) {
      this.#showError(error);
    }
    this.requestUpdate();
  }

  async #handleRestore(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.#busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const file = data.get('file');
    if (!(file instanceof File) || file.size === 0) {
      this.#show(() => this.#text.noFile, true);
      return;
    }

    this.#busy = true;
    this.#show(() => this.#text.restoring, false);
    try {
      const backup = parseIdentityBackup(await file.text());
      const record = await restoreIdentity(backup, String(data.get('passphrase') ?? ''));
      form.reset();
      this.#chosenBackup = null;
      this.#show(() => this.#text.restored(backup.room), false);
      this.dispatchEvent(new PorchlightIdentityChangeEvent(record));
    } catch (error) {
      this.#showError(error);
    } finally {
      this.#busy = false;
      this.requestUpdate();
    }
  }

  #handleDownloadClick(): void {
    const backup = this.record?.backup;
    if (!backup) return;
    const blob = new Blob([`${JSON.stringify(backup, null, 2)}\n`], {
      type: 'application/json',
    });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = backupFileName(backup.room);
    link.hidden = true;
    // The link sits in the shadow root while it is clicked, so the click can be observed there.
    this.renderRoot.append(link);
    link.click();
    link.remove();
    // Revoking at once can cancel the download in some browsers, so the URL lives a while.
    setTimeout(() => URL.revokeObjectURL(url), DOWNLOAD_URL_LIFETIME_MS);
  }

  #showError(error: unknown): void {
    if (!(error instanceof IdentityBackupError)) {
      this.#show(() => this.#text.storeFailed, true);
      return;
    }
    const reason = error.reason;
    const texts = {
      'passphrase-too-short': () => this.#text.passphraseTooShort(MIN_PASSPHRASE_LENGTH),
      'invalid-file': () => this.#text.invalidFile,
      'unsupported-version': () => this.#text.unsupportedVersion,
      'decrypt-failed': () => this.#text.decryptFailed,
      'key-mismatch': () => this.#text.keyMismatch,
    } as const;
    this.#show(texts[reason], true);
  }

  #show(text: () => string, alert: boolean): void {
    this.#message = { text, alert };
    this.requestUpdate();
  }
}
