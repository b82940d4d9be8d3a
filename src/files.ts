import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Writes `data` to `target` whole or not at all: into a temp file in the target's own
 * folder (a rename is atomic only within one file system), then renamed into place. The
 * temp file is removed on every failure. `flag` names the option in messages (`-o`, `--junit`).
 */
export function writeFileAtomic(target: string, data: string | Buffer, flag: string): void {
  const dir = dirname(target);
  const kind = fileKind(target);
  if (kind === 'directory') throw new UsageError(`${flag} ${target} is a directory; give a file name (e.g. ${join(target, defaultName(flag))})`);
  if (kind === 'other') throw new UsageError(`${flag} ${target} is not a regular file`);
  const parent = fileKind(dir);
  if (parent === 'file' || parent === 'other') throw new UsageError(`${flag} ${target}: ${dir} is not a folder`);
  if (parent === 'missing') {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      throw new UsageError(`${flag} ${target}: cannot create the folder ${dir} (${errCode(e)})`);
    }
  }
  const tmp = join(dir, `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UsageError(`${flag} ${target}: cannot write (${errCode(e)})`);
  }
}

function defaultName(flag: string): string {
  return flag === '--junit' ? 'gate.xml' : 'report.html';
}

export function fileKind(path: string): 'missing' | 'file' | 'directory' | 'other' {
  try {
    const st = statSync(path);
    return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
  } catch {
    return 'missing';
  }
}

function errCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.code ?? err.message;
}
