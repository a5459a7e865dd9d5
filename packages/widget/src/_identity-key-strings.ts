import { languageOf } from './_i18n.js';

// The key panel's texts live here, not in the shared tables of `_strings.ts` and `_locales.ts`,
// because the panel loads on demand and visitors, who download the shared tables with the call
// chunk, never see them.

/** English texts of `<porchlight-identity-key>`. This object is the source of the keys. */
export const identityKeyEnglish = {
  heading: 'Your identity key',
  warning:
    'Your room id is your identity key. If this browser loses the key (a new computer, ' +
    'cleared site data) and you have no backup, you get a new room id, and the snippet on ' +
    'every page of your website must be replaced.',
  createHeading: 'Create your identity key',
  createIntro:
    'Choose a passphrase to encrypt the backup of your key. You need it only to restore the ' +
    'key on another computer or after clearing this browser. Keep it in a safe place, such as ' +
    'a password manager.',
  passphrase: 'Passphrase',
  repeatPassphrase: 'Repeat passphrase',
  passphraseHint: (length: number): string => `At least ${length} characters.`,
  passphraseTooShort: (length: number): string =>
    `The passphrase is too short. Please use at least ${length} characters.`,
  passphraseMismatch: 'The two passphrases are not the same. Please type them again.',
  create: 'Create key',
  creating: 'Creating your key…',
  downloadBackup: 'Download backup',
  backupHint:
    'The file is encrypted with your passphrase. Keep a copy somewhere other than this ' +
    'computer.',
  noBackup: 'This key was created before backups existed, so it cannot be backed up.',
  noBackupAction:
    'You can create a new key that can be backed up. This gives you a new room id, so you ' +
    'must then replace the snippet on every page of your website.',
  createNew: 'Create a new key',
  restoreHeading: 'Restore from backup',
  restoreHint:
    'Choose a backup file and enter its passphrase. The key in the file replaces the key in ' +
    'this browser.',
  backupFile: 'Backup file',
  restore: 'Restore',
  restoring: 'Restoring your key…',
  restored: (room: string): string => `Restored the key of room ${room}.`,
  noFile: 'Please choose a backup file first.',
  decryptFailed: 'The passphrase is wrong, or the backup file is damaged. Nothing was changed.',
  invalidFile: 'This is not a Porchlight backup file, or it is damaged. Nothing was changed.',
  unsupportedVersion:
    'This backup file comes from a newer version of Porchlight. Update this page, then try ' +
    'again. Nothing was changed.',
  keyMismatch:
    'The key in this backup does not belong to the room it names, so the file is damaged. ' +
    'Nothing was changed.',
  storeFailed: 'This browser could not save your key. Nothing was changed.',
};

/** The shape of one language's table of key panel texts. */
export type IdentityKeyStrings = typeof identityKeyEnglish;

/** German texts of `<porchlight-identity-key>`, addressing the therapist with "Sie". */
export const identityKeyGerman: IdentityKeyStrings = {
  heading: 'Ihr Schlüssel',
  warning:
    'Ihre Raum-ID ist Ihr Schlüssel. Verliert dieser Browser den Schlüssel (neuer Computer, ' +
    'gelöschte Websitedaten) und haben Sie keine Sicherung, erhalten Sie eine neue Raum-ID. ' +
    'Dann müssen Sie den Code auf jeder Seite Ihrer Website ersetzen.',
  createHeading: 'Ihren Schlüssel erstellen',
  createIntro:
    'Wählen Sie eine Passphrase, mit der die Sicherung Ihres Schlüssels verschlüsselt wird. ' +
    'Sie brauchen sie nur, um den Schlüssel auf einem anderen Computer oder nach dem Löschen ' +
    'der Browserdaten wiederherzustellen. Bewahren Sie sie sicher auf, etwa in einem ' +
    'Passwort-Manager.',
  passphrase: 'Passphrase',
  repeatPassphrase: 'Passphrase wiederholen',
  passphraseHint: (length: number): string => `Mindestens ${length} Zeichen.`,
  passphraseTooShort: (length: number): string =>
    `Die Passphrase ist zu kurz. Bitte verwenden Sie mindestens ${length} Zeichen.`,
  passphraseMismatch:
    'Die beiden Passphrasen stimmen nicht überein. Bitte geben Sie sie noch einmal ein.',
  create: 'Schlüssel erstellen',
  creating: 'Ihr Schlüssel wird erstellt…',
  downloadBackup: 'Sicherung herunterladen',
  backupHint:
    'Die Datei ist mit Ihrer Passphrase verschlüsselt. Bewahren Sie eine Kopie an einem ' +
    'anderen Ort als diesem Computer auf.',
  noBackup:
    'Dieser Schlüssel wurde erstellt, bevor es Sicherungen gab, und kann daher nicht ' +
    'gesichert werden.',
  noBackupAction:
    'Sie können einen neuen Schlüssel erstellen, der sich sichern lässt. Damit erhalten Sie ' +
    'eine neue Raum-ID und müssen den Code auf jeder Seite Ihrer Website ersetzen.',
  createNew: 'Neuen Schlüssel erstellen',
  restoreHeading: 'Aus Sicherung wiederherstellen',
  restoreHint:
    'Wählen Sie eine Sicherungsdatei und geben Sie ihre Passphrase ein. Der Schlüssel aus ' +
    'der Datei ersetzt den Schlüssel in diesem Browser.',
  backupFile: 'Sicherungsdatei',
  restore: 'Wiederherstellen',
  restoring: 'Ihr Schlüssel wird wiederhergestellt…',
  restored: (room: string): string => `Der Schlüssel des Raums ${room} ist wiederhergestellt.`,
  noFile: 'Bitte wählen Sie zuerst eine Sicherungsdatei.',
  decryptFailed:
    'Die Passphrase ist falsch oder die Sicherungsdatei ist beschädigt. Es wurde nichts ' +
    'geändert.',
  invalidFile:
    'Dies ist keine Porchlight-Sicherungsdatei oder sie ist beschädigt. Es wurde nichts ' +
    'geändert.',
  unsupportedVersion:
    'Diese Sicherungsdatei stammt aus einer neueren Version von Porchlight. Aktualisieren ' +
    'Sie diese Seite und versuchen Sie es noch einmal. Es wurde nichts geändert.',
  keyMismatch:
    'Der Schlüssel in dieser Sicherung gehört nicht zu dem Raum, den sie nennt. Die Datei ' +
    'ist also beschädigt. Es wurde nichts geändert.',
  storeFailed: 'Dieser Browser konnte Ihren Schlüssel nicht speichern. Es wurde nichts geändert.',
};

/** Every language of the key panel by its primary language subtag (BCP 47). */
export const identityKeyLocales: Readonly<Record<string, IdentityKeyStrings>> = {
  en: identityKeyEnglish,
  de: identityKeyGerman,
};

/** Returns the key panel texts for the language that applies to `element`, or English. */
export function identityKeyStringsFor(element: Element): IdentityKeyStrings {
  const primary = languageOf(element).trim().toLowerCase().split('-')[0] ?? '';
  return identityKeyLocales[primary] ?? identityKeyEnglish;
}
