/**
 * Storage addresses and error texts without their secrets, for logs and messages. A SAS URL's query
 * string is its credential (`sig=…`), and a connection string carries an account key or a SAS, so a
 * URL is shown as origin and path only and secret fields are masked. Pure.
 */

/** `https://account.blob.core.windows.net/container`: origin and path, never the query or fragment. */
export function originAndPath(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return '(an address that is not a URL)';
  }
}

const URL_WITH_QUERY = /(\bhttps?:\/\/[^\s?#"'<>]*)[?#][^\s"'<>]*/gi;
/** connection-string fields, whose values run to the next `;` (a SAS holds `&`) */
const SECRET_FIELD = /\b(AccountKey|SharedAccessSignature|SharedAccessKey)=[^;\s"'<>]*/gi;
/** a SAS signature outside a URL, e.g. a query string on its own */
const SAS_SIGNATURE = /\bsig=[^&;\s"'<>]*/gi;

/** Any text (an SDK's error message, a log line) with URL queries dropped and secret fields masked. */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_WITH_QUERY, '$1')
    .replace(SECRET_FIELD, '$1=[redacted]')
    .replace(SAS_SIGNATURE, 'sig=[redacted]');
}
