/**
 * Terminal-safe text. Names in human output come from AWS (group, user, role, account names, error messages) and
 * may hold anything: a "\n" fakes a line of our own output, an ESC sequence rewrites or hides the screen, a bidi
 * override reorders what the reader sees. Every human (non-JSON) printer passes such text through `visible`, which
 * renders those characters as escapes. JSON output is left exact (JSON.stringify already escapes C0).
 */

/**
 * C0 controls (newline and tab included), DEL, C1 controls, zero-width and directional marks (U+200B-200F),
 * line/paragraph separators (U+2028/2029), bidi embeddings and overrides (U+202A-202E) and isolates (U+2066-2069),
 * the word joiner and invisible operators (U+2060-2064), and the BOM (U+FEFF).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

function escape(ch: string): string {
  const cp = ch.charCodeAt(0);
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/** `text` with every control, format and bidi character shown as \xNN or \uNNNN; a backslash stays as it is. */
export function visible(text: unknown): string {
  return String(text).replace(UNSAFE, escape);
}

/** True when `text` holds a character that `visible` would escape (for tests and assertions). */
export function hasUnsafeCharacters(text: string): boolean {
  return new RegExp(UNSAFE.source).test(text);
}

