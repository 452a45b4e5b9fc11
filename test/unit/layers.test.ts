import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

// The layers of lambdas/ (docs/architecture.md#layers), checked on the import statements themselves.
const LAMBDAS = path.join(__dirname, '..', '..', 'lambdas');
const HANDLER_FOLDERS = ['api', 'web', 'workflow', 'maintenance'];
/** Steps that two use cases share, and the attempt half of deliver-and-await: not use cases of their own. */
const SHARED_STEPS = ['record-delivery', 'follow-up-notifications', 'deliver-to-department'];

function sources(folder: string): string[] {
  return readdirSync(path.join(LAMBDAS, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(LAMBDAS, path.join(entry.parentPath, entry.name)));
}

/** Each import of a file, as the folder under lambdas/ (or the package) it reaches and the module. */
function importsOf(file: string): Array<{ folder: string; module: string }> {
  const text = readFileSync(path.join(LAMBDAS, file), 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^;]*?from '([^']+)';/gms)].map(([, specifier]) => {
    if (!specifier.startsWith('.')) return { folder: specifier, module: specifier };
    const target = path.relative(LAMBDAS, path.resolve(path.dirname(path.join(LAMBDAS, file)), specifier));
    return { folder: target.split(path.sep)[0], module: path.basename(target) };
  });
}

const offending = (files: string[], wrong: (i: { folder: string; module: string }, file: string) => boolean) =>
  files.flatMap((file) =>
    importsOf(file)
      .filter((i) => wrong(i, file))
      .map((i) => `${file} → ${i.folder}/${i.module}`),
  );

describe('The layers of lambdas/', () => {
  it('the domain imports nothing but the domain, zod and node:crypto', () => {
    expect(offending(sources('domain'), (i) => i.folder !== 'domain' && !i.folder.startsWith('zod') && i.folder !== 'node:crypto')).toEqual(
      [],
    );
  });

  it('no use case imports another, a handler, the HTTP layer or an AWS SDK', () => {
    expect(
      offending(
        sources('application'),
        (i) =>
          (i.folder === 'application' && !SHARED_STEPS.includes(i.module)) ||
          [...HANDLER_FOLDERS, 'http'].includes(i.folder) ||
          i.folder.startsWith('@aws-sdk'),
      ),
    ).toEqual([]);
  });

  it('no handler folder imports another (the API and the web pages share lambdas/http/)', () => {
    for (const folder of HANDLER_FOLDERS) {
      expect(offending(sources(folder), (i) => i.folder !== folder && HANDLER_FOLDERS.includes(i.folder))).toEqual([]);
    }
  });

  it('nothing below the handlers imports them', () => {
    const below = readdirSync(LAMBDAS, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !HANDLER_FOLDERS.includes(entry.name))
      .flatMap((entry) => sources(entry.name));
    expect(offending(below, (i) => HANDLER_FOLDERS.includes(i.folder))).toEqual([]);
  });
});
