import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
// Made by tools or runs, never by hand (.gitignore), and hidden folders (.git, .ci).
const NOT_SOURCE = new Set(['node_modules', 'cdk.out', 'coverage', 'test-results']);

function foldersUnder(relative: string): string[] {
  return readdirSync(path.join(ROOT, relative), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !NOT_SOURCE.has(entry.name))
    .flatMap((entry) => {
      const folder = relative ? `${relative}/${entry.name}` : entry.name;
      return [`${folder}/`, ...foldersUnder(folder)];
    });
}

/** Every path written in backticks in the first column of the README's layout table. */
function listedInLayout(readme: string): string[] {
  const section = readme.split(/^## Layout$/m)[1]?.split(/^## /m)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1].matchAll(/`([^`]+)`/g)].map((m) => m[1]));
}

describe("The README's layout table", () => {
  const listed = listedInLayout(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

  it('lists every source folder of the tree', () => {
    const missing = foldersUnder('').filter((folder) => !listed.includes(folder));
    expect(missing).toEqual([]);
  });

  it('lists nothing that is not there, and each folder once', () => {
    expect(listed.filter((entry) => !existsSync(path.join(ROOT, entry)))).toEqual([]);
    expect(listed.filter((entry, i) => listed.indexOf(entry) !== i)).toEqual([]);
  });
});
