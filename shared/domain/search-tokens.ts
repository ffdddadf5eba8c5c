/**
 * Firestore has no substring match, so each version stores every substring of its lower-cased name
 * up to MAX_TOKEN_LENGTH characters; a search is then one `array-contains` on that array and reads
 * only matching documents. Longer queries use their first MAX_TOKEN_LENGTH characters as the token
 * and are filtered further in memory.
 */
export const MAX_TOKEN_LENGTH = 12;
/** Characters of a name that are indexed; later characters are not searchable. */
export const MAX_INDEXED_NAME_LENGTH = 64;

export function normalizeForSearch(text: string): string {
  return text.normalize('NFC').toLocaleLowerCase('en-US');
}

export function searchTokens(name: string): string[] {
  // Array.from splits by code point, so non-ASCII names never yield broken surrogates.
  const chars = Array.from(normalizeForSearch(name)).slice(0, MAX_INDEXED_NAME_LENGTH);
  const tokens = new Set<string>();
  for (let start = 0; start < chars.length; start++) {
    let token = '';
    for (let end = start; end < Math.min(chars.length, start + MAX_TOKEN_LENGTH); end++) {
      token += chars[end];
      tokens.add(token);
    }
  }
  return [...tokens];
}

export interface SearchPlan {
  /** The value to look up with array-contains. */
  token: string;
  /** The whole normalized query, when the token alone does not prove a match. */
  postFilter: string | null;
}

export function planSearch(query: string): SearchPlan {
  const chars = Array.from(normalizeForSearch(query));
  if (chars.length <= MAX_TOKEN_LENGTH) return { token: chars.join(''), postFilter: null };
  return { token: chars.slice(0, MAX_TOKEN_LENGTH).join(''), postFilter: chars.join('') };
}
