// The command line's input side: exit statuses, the errors that mean bad input, reading a config file
// (UTF-8 checked, byte named) and checking that an output directory can be written before any work.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { looksLikeLink } from './link.js';

export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_INTERNAL = 3;

/** Bad input that is not a config error: an unreadable config, an unwritable directory. */
export class InputError extends Error {}
/** A mistake in the command line itself. */
export class UsageError extends InputError {}

// The offset of the first byte of `bytes` that starts no well-formed UTF-8 character.
function firstInvalidUtf8(bytes) {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i];
    let length = 0;
    let low = 0x80;
    let high = 0xbf;
    if (lead < 0x80) length = 1;
    else if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) [length, low, high] = [3, lead === 0xe0 ? 0xa0 : 0x80, lead === 0xed ? 0x9f : 0xbf];
    else if (lead >= 0xf0 && lead <= 0xf4) [length, low, high] = [4, lead === 0xf0 ? 0x90 : 0x80, lead === 0xf4 ? 0x8f : 0xbf];
    const second = bytes[i + 1];
    const rest = bytes.subarray(i + 2, i + length);
    const valid =
      length === 1 ||
      (length > 1 && i + length <= bytes.length && second >= low && second <= high && rest.every((byte) => byte >= 0x80 && byte <= 0xbf));
    if (!valid) return i;
    i += length;
  }
  return -1;
}

export function readConfigText(path) {
  if (path === undefined) throw new UsageError('missing the config file (or - for standard input, or a link)');
  if (path !== '-' && looksLikeLink(path) && !existsSync(path)) return path;
  const name = path === '-' ? 'standard input' : path;
  let bytes;
  try {
    bytes = readFileSync(path === '-' ? 0 : path);
  } catch (error) {
    throw new InputError(`cannot read ${name}: ${error.message}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    const hex = bytes[at].toString(16).toUpperCase().padStart(2, '0');
    throw new InputError(`${name} is not UTF-8 text: byte ${at + 1} (0x${hex}) starts no valid character (a config is JSON text)`);
  }
}

// mkdir -p, one level at a time: Node 20's mkdirSync(..., { recursive: true }) loops forever where the
// kernel answers ENOENT for a parent that exists (e.g. under /proc).
function makeDirectory(dir) {
  const missing = [];
  for (let current = resolve(dir); !existsSync(current); current = dirname(current)) {
    missing.push(current);
    if (dirname(current) === current) break;
  }
  for (const path of missing.reverse()) {
    try {
      mkdirSync(path);
    } catch (error) {
      // Another process (a parallel job writing to the same --out) made it in between: fine.
      if (error.code !== 'EEXIST' || !statSync(path).isDirectory()) throw error;
    }
  }
}

// Creates `dir` and writes a file into it, so that a reproduction fails before its work, not after.
export function checkWritableDirectory(dir, what = '--out') {
  const probe = join(dir, `.icl-playground-write-check-${process.pid}`);
  try {
    makeDirectory(dir);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new InputError(`cannot write to ${what} ${dir}: ${error.message}`);
  }
}

/** One line, whatever the message holds. */
export const oneLine = (text) =>
  String(text)
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim();
