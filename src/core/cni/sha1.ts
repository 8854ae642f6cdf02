/**
 * SHA-1 (FIPS 180-4) of a UTF-8 string, in pure TypeScript: core may not import `node:crypto`, and the
 * interface names below must match upstream's `hex(sha1("<namespace>.<name>"))` bit for bit. Not for security.
 */

function rotateLeft(value: number, bits: number): number {
  return ((value << bits) | (value >>> (32 - bits))) >>> 0;
}

/** The message padded to a multiple of 64 bytes, ending with its bit length (big-endian, 64 bits). */
function pad(message: Uint8Array): DataView {
  const length = Math.ceil((message.length + 9) / 64) * 64;
  const bytes = new Uint8Array(length);
  bytes.set(message);
  bytes[message.length] = 0x80;
  const view = new DataView(bytes.buffer);
  const bits = message.length * 8;
  view.setUint32(length - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(length - 4, bits >>> 0);
  return view;
}

function roundValue(round: number, b: number, c: number, d: number): number {
  if (round < 20) return ((b & c) | (~b & d)) + 0x5a827999;
  if (round < 40) return (b ^ c ^ d) + 0x6ed9eba1;
  if (round < 60) return ((b & c) | (b & d) | (c & d)) + 0x8f1bbcdc;
  return (b ^ c ^ d) + 0xca62c1d6;
}

function compressBlock(state: number[], view: DataView, offset: number): void {
  const words = new Array<number>(80);
  for (let i = 0; i < 16; i++) words[i] = view.getUint32(offset + i * 4);
  for (let i = 16; i < 80; i++) words[i] = rotateLeft((words[i - 3] ?? 0) ^ (words[i - 8] ?? 0) ^ (words[i - 14] ?? 0) ^ (words[i - 16] ?? 0), 1);
  let [a = 0, b = 0, c = 0, d = 0, e = 0] = state;
  for (let round = 0; round < 80; round++) {
    const next = (rotateLeft(a, 5) + roundValue(round, b, c, d) + e + (words[round] ?? 0)) >>> 0;
    e = d;
    d = c;
    c = rotateLeft(b, 30);
    b = a;
    a = next;
  }
  [a, b, c, d, e].forEach((value, index) => {
    state[index] = ((state[index] ?? 0) + value) >>> 0;
  });
}

/** Lower-case hex SHA-1 digest (40 characters) of `text` encoded as UTF-8. */
export function sha1Hex(text: string): string {
  const view = pad(new TextEncoder().encode(text));
  const state = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  for (let offset = 0; offset < view.byteLength; offset += 64) compressBlock(state, view, offset);
  return state.map((word) => word.toString(16).padStart(8, '0')).join('');
}
