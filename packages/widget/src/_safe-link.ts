/**
 * Returns `url`, resolved against the page, when it is an http(s) address, otherwise null, so that
 * an attribute cannot inject a `javascript:` or other script link.
 */
export function safeLink(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, globalThis.location?.href);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
  } catch {
    return null;
  }
}
