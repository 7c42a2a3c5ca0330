import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

// The dependency rules of STYLE.md ("dependencies point inward") live in eslint.config.js. These
// tests lint small snippets as if they were files in each part, so loosening a rule by accident
// fails here, not in a review months later.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

async function restricted(filePath: string, source: string): Promise<boolean> {
  const [result] = await eslint.lintText(`${source}\nexport const used = value;\n`, { filePath: `${root}${filePath}` });
  return result!.messages.some((m) => m.ruleId === 'no-restricted-imports');
}

const cases: [file: string, importLine: string, blocked: boolean][] = [
  ['shared/domain/x.ts', "import value from 'node:fs';", true],
  ['shared/domain/x.ts', "import value from 'fs/promises';", true],
  ['shared/domain/x.ts', "import value from 'electron';", true],
  ['shared/domain/x.ts', "import value from 'react';", true],
  ['shared/domain/x.ts', "import value from '../../server/index.ts';", true],
  ['shared/domain/x.ts', "import value from '../../renderer/app/app.tsx';", true],
  ['shared/domain/x.ts', "import value from '../api/schemas.ts';", false],
  ['shared/domain/x.ts', "import value from 'ipaddr.js';", false],
  ['renderer/roles/x.tsx', "import value from 'node:path';", true],
  ['renderer/roles/x.tsx', "import { ipcRenderer as value } from 'electron';", true],
  ['renderer/roles/x.tsx', "import value from '../../electron/services/session.ts';", true],
  ['renderer/roles/x.tsx', "import value from '../../server/index.ts';", true],
  ['renderer/roles/x.tsx', "import value from '../../shared/domain/token.ts';", false],
  ['renderer/roles/x.tsx', "import value from 'react';", false],
  ['server/http/x.ts', "import value from '../../electron/services/session.ts';", true],
  ['server/http/x.ts', "import value from '../../renderer/app/app.tsx';", true],
  ['server/http/x.ts', "import value from 'electron';", true],
  ['server/http/x.ts', "import value from 'node:crypto';", false],
  ['electron/services/x.ts', "import value from '../../server/index.ts';", false],
  ['electron/services/x.ts', "import value from '../../server/storage/database.ts';", true],
  ['electron/services/x.ts', "import value from '../../renderer/app/app.tsx';", true],
  ['electron/services/x.ts', "import { ipcMain as value } from 'electron';", true],
  ['electron/glue/x.ts', "import { ipcMain as value } from 'electron';", false],
  ['electron/preload/x.ts', "import { ipcRenderer as value } from 'electron';", false],
];

for (const [file, importLine, blocked] of cases) {
  test(`${file} ${blocked ? 'may not' : 'may'}: ${importLine}`, async () => {
    assert.equal(await restricted(file, importLine), blocked);
  });
}
