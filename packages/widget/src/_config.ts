/** File name of the E2EE worker script, which the build places beside the widget scripts. */
export const WORKER_FILE_NAME = 'porchlight-e2ee-worker.js';

let defaultWorkerUrl: URL | null = null;

/**
 * Sets the E2EE worker URL used by elements that have no `worker-url` attribute. The script-tag
 * bundle calls this with the URL beside its own script.
 */
export function setDefaultWorkerUrl(url: string | URL): void {
  defaultWorkerUrl = new URL(url, document.baseURI);
}

/**
 * Returns the worker URL for an element: its `worker-url` attribute if set, else the default
 * from {@link setDefaultWorkerUrl}, else the worker file beside this module (the npm build copies
 * it there).
 */
export function resolveWorkerUrl(attribute: string | null | undefined): URL {
  if (attribute) return new URL(attribute, document.baseURI);
  if (defaultWorkerUrl) return defaultWorkerUrl;
  return new URL(`./${WORKER_FILE_NAME}`, import.meta.url);
}
