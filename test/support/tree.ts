import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A file's content, or a symlink to a path (relative to the root), or a folder. */
export type Entry = string | { readonly symlink: string } | { readonly dir: true };

/** A real temporary folder tree for a test. */
export interface Tree {
  readonly root: string;
  /** Absolute path of a path relative to the root. */
  path(relative?: string): string;
  /** Writes more entries. */
  write(entries: Readonly<Record<string, Entry>>): void;
  remove(): void;
}

/**
 * Creates a temporary folder (real path, so symlinked tmp dirs compare
 * equal) and writes `entries` into it: `{ 'home/.qwen/.env': 'A=1' }`.
 */
export function makeTree(entries: Readonly<Record<string, Entry>> = {}): Tree {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'qwen-auth-test-')));
  const path = (relative = ''): string => join(root, relative);
  const write = (more: Readonly<Record<string, Entry>>): void => {
    for (const [relative, entry] of Object.entries(more)) {
      const target = path(relative);
      if (typeof entry === 'string') {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, entry);
      } else if ('symlink' in entry) {
        mkdirSync(dirname(target), { recursive: true });
        symlinkSync(path(entry.symlink), target);
      } else {
        mkdirSync(target, { recursive: true });
      }
    }
  };
  write(entries);
  return { root, path, write, remove: () => rmSync(root, { recursive: true, force: true }) };
}
