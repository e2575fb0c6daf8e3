/**
 * Quoting for values that go into Graph query options. The results are still query text: the caller
 * must URL-encode them (encodeURIComponent) when building the URL.
 */

/** An OData string literal: `x' or 1 eq 1` → `'x'' or 1 eq 1'`, for `$filter=displayName eq …`. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * One `$search` clause for directory objects, quotes included: `searchPhrase('Test')` → `"displayName:Test"`.
 * Inside the clause Graph treats `\` as the escape character, so `"` and `\` are escaped; that keeps the
 * value one literal phrase (no `" OR "mail:…` can break out of it).
 */
export function searchPhrase(value: string, property = 'displayName'): string {
  return `"${property}:${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
