// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zlib and PNG compute it.
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

const encoder = new TextEncoder();

/**
 * CRC-32 of a string's UTF-8 bytes (tokens are ASCII, so each char is one byte), or of the
 * characters from `start` to `end` (so a token's checksum needs no substring).
 */
export function crc32(text: string, start = 0, end = text.length): number {
  let crc = 0xffffffff;
  // ASCII, as every token is, needs no encoding step: it runs on every authorization.
  for (let i = start; i < end; i += 1) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return crc32Bytes(encoder.encode(text.slice(start, end)));
    crc = TABLE[(crc ^ code) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function crc32Bytes(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
