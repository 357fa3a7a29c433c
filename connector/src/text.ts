/**
 * Terminal-safe text. Names in human output come from AWS (group, user, role, account names, error messages) and
 * may hold anything: a "\n" fakes a line of our own output, an ESC sequence rewrites or hides the screen, a bidi
 * override reorders what the reader sees. Every human (non-JSON) printer passes such text through `visible`, which
 * renders those characters as escapes. JSON output is left exact (JSON.stringify already escapes C0).
 */

/**
 * By Unicode category, so no character of a kind is forgotten: controls (Cc: C0 with newline and tab, DEL, C1),
 * format characters (Cf: bidi marks, embeddings, overrides and isolates, zero-width characters, soft hyphen, the
 * Arabic letter mark, the BOM...), line and paragraph separators (Zl, Zp), unassigned and private-use code points
 * (Cn, Co) and lone surrogates (Cs); every default-ignorable code point (variation selectors, combining grapheme
 * joiner, Hangul fillers...: Unicode's own list of characters that render as nothing); and the Braille blank.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cn}\p{Co}\p{Cs}\p{Default_Ignorable_Code_Point}\u2800]/gu;

function escape(ch: string): string {
  const cp = ch.codePointAt(0)!;
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\u{${cp.toString(16)}}`;
}

/** `text` with every control, format and bidi character shown as \xNN or \uNNNN; a backslash stays as it is. */
export function visible(text: unknown): string {
  return String(text).replace(UNSAFE, escape);
}

/** True when `text` holds a character that `visible` would escape (for tests and assertions). */
export function hasUnsafeCharacters(text: string): boolean {
  return new RegExp(UNSAFE.source, 'u').test(text);
}

