/**
 * Whether a JSON text nests arrays and objects deeper than `limit` levels (`{"a":[1]}` is 2 deep),
 * measured on its UTF-8 bytes without parsing it, and stopping as soon as it passes the limit.
 *
 * Why before parsing: a body like `[[[[...10,000 deep...]]]]` parses, but every recursive walk over the
 * value afterwards (validation, `JSON.stringify` for the store and the answer) overflows the stack, which
 * would surface as a 500. Counting brackets outside strings is one pass over bytes the server already
 * holds, and a body shorter than the limit cannot be too deep, so small bodies (the hot path) skip it.
 *
 * The answer is exact for valid JSON; for invalid JSON it may be either, which is fine: such a body is
 * refused by the parser anyway.
 */
export function exceedsJsonDepth(bytes: Uint8Array, limit: number): boolean {
  if (bytes.length <= limit) {
    return false;
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (inString) {
      if (byte === BACKSLASH) {
        i++;
      } else if (byte === QUOTE) {
        inString = false;
      }
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      depth++;
      if (depth > limit) {
        return true;
      }
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

// Every one of these is ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte character, so the
// scan is correct on raw bytes.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
