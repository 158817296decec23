/**
 * The QR code renderer of `qwen-auth login` (uqr), a file of its own in the
 * package (dist/cli-qr.js): only a login that shows a code loads it, so no
 * other command compiles its 17 KB.
 */
export { renderUnicodeCompact } from 'uqr';
