/**
 * Output files (snapshots, validate reports, the Terraform step's report): private and never written through a
 * symlink. They name the role, the caller and the estate, so they are created 0600, and an existing file keeps its
 * mode when that is stricter. A path whose last component is a symlink (planted in a shared or world-writable
 * directory, say) must not redirect the write to the file it points at:
 * - whole files go to a temp file created with O_EXCL|O_NOFOLLOW beside the target, then rename() over the target,
 *   which replaces a symlink instead of following it; readers see the old file or the whole new one;
 * - appends open the target with O_NOFOLLOW (a symlink fails with ELOOP) and refuse anything but a regular file
 *   with one link (a hard link to another file would be written through).
 * Directories above the target are followed as usual: the caller chose them.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, fsyncSync, lstatSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import * as path from 'node:path';

export const PRIVATE_MODE = 0o600;

/** The mode a rewritten file gets: 0600, or the existing regular file's mode if that grants less. */
function modeFor(file: string): number {
  try {
    const st = lstatSync(file);
    if (st.isFile()) return st.mode & PRIVATE_MODE;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return PRIVATE_MODE;
}

/** Writes `text` to `file` atomically, mode 0600 (or stricter as above), never through a symlink at `file`. */
export function writePrivateFile(file: string, text: string): void {
  writePrivateFileChunks(file, [text]);
}

/** Pieces are gathered up to this many characters per write: few syscalls, no whole-file string. */
const WRITE_BATCH = 1 << 20;

/** writePrivateFile for text given in pieces (a large snapshot), so the whole text is never one string in memory. */
export function writePrivateFileChunks(file: string, chunks: Iterable<string>): void {
  const target = path.resolve(file);
  const mode = modeFor(target);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(8).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, PRIVATE_MODE);
    // Exactly `mode`, whatever the umask (a 0400 file stays 0400).
    fchmodSync(fd, mode);
    let batch: string[] = [];
    let size = 0;
    for (const chunk of chunks) {
      batch.push(chunk);
      size += chunk.length;
      if (size >= WRITE_BATCH) {
        writeAll(fd, batch.join(''));
        batch = [];
        size = 0;
      }
    }
    if (size > 0 || batch.length > 0) writeAll(fd, batch.join(''));
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone (or never made).
    }
    throw e;
  }
}

/** writeSync may write fewer bytes than asked: loop until all are written. */
function writeAll(fd: number, text: string): void {
  const buf = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/**
 * Opens `file` for appending (created 0600; an existing looser mode is narrowed to 0600), refusing a symlink, a
 * non-regular file and a file with other hard links. Returns the descriptor; the caller closes it.
 */
export function openPrivateAppend(file: string): number {
  // O_NONBLOCK: opening a FIFO planted at the path fails (ENXIO) instead of hanging; regular files ignore it.
  const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK, PRIVATE_MODE);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error(`${file} is not a regular file`), { code: 'ENOTREG' });
    if (st.nlink > 1) throw Object.assign(new Error(`${file} has other hard links`), { code: 'EMLINK' });
    if ((st.mode & 0o777 & ~PRIVATE_MODE) !== 0) fchmodSync(fd, st.mode & PRIVATE_MODE);
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Appends `text` to `file` with openPrivateAppend's guarantees. */
export function appendPrivateFile(file: string, text: string): void {
  const fd = openPrivateAppend(file);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
