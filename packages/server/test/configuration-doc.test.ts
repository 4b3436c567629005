/**
 * Keeps `docs/configuration.md` and the table of settings in `src/config/config.ts` in step: every
 * setting has its row (variable, default, unit, description as written in the code), the page lists
 * no variable the server does not read, and no other page names one either. When a row is wrong, the
 * failure shows the row to paste.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SETTINGS, type SettingSpec } from '../src/config/config.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOC_PATH = join(REPO_ROOT, 'docs', 'configuration.md');
const doc = readFileSync(DOC_PATH, 'utf8');

/** The default cell: the value in code, or "none…" when there is no default value. */
function defaultCell(setting: SettingSpec): string {
  if (setting.defaultDoc !== undefined) return setting.defaultDoc;
  if (setting.defaultText === undefined || setting.defaultText === '') return 'none';
  return `\`${setting.defaultText}\``;
}

function expectedRow(setting: SettingSpec): string {
  return `| \`${setting.env}\` | ${defaultCell(setting)} | ${setting.unit} | ${setting.description} |`;
}

/** The rows of the first table after the `## Settings` heading, as trimmed cells. */
function settingsTable(): string[][] {
  const lines = doc.split('\n');
  const heading = lines.findIndex((line) => line.trim() === '## Settings');
  assert.ok(heading >= 0, 'docs/configuration.md has a "## Settings" section');
  const first = lines.findIndex((line, index) => index > heading && line.startsWith('|'));
  const table: string[] = [];
  for (let index = first; index < lines.length && lines[index]!.startsWith('|'); index++) {
    table.push(lines[index]!);
  }
  const [header, separator, ...rows] = table.map((line) =>
    line
      .slice(1, line.trimEnd().endsWith('|') ? line.trimEnd().length - 1 : undefined)
      .split('|')
      .map((cell) => cell.trim()),
  );
  assert.deepEqual(header, ['variable', 'default', 'unit', 'description']);
  assert.ok(
    separator?.every((cell) => /^:?-+:?$/.test(cell)),
    'a header separator row',
  );
  return rows;
}

describe('docs/configuration.md', () => {
  const rows = settingsTable();
  const rowsByVariable = new Map(rows.map((cells) => [cells[0]!.replaceAll('`', ''), cells]));

  test('the table has one row per row of SETTINGS, in the same order', () => {
    assert.deepEqual(
      rows.map((cells) => cells[0]),
      SETTINGS.map((setting) => `\`${setting.env}\``),
    );
  });

  for (const setting of SETTINGS) {
    test(`${setting.env}: name, default, unit and description as in config.ts`, () => {
      const cells = rowsByVariable.get(setting.env);
      const hint = `expected the row\n${expectedRow(setting)}`;
      assert.ok(cells, `no row for ${setting.env}; ${hint}`);
      assert.equal(cells[1], defaultCell(setting), `default of ${setting.env}; ${hint}`);
      assert.equal(cells[2], setting.unit, `unit of ${setting.env}; ${hint}`);
      assert.equal(cells[3], setting.description, `description of ${setting.env}; ${hint}`);
    });
  }

  test('the table lists no variable that is not a setting', () => {
    const known = new Set(SETTINGS.map((setting) => setting.env));
    const unknown = [...rowsByVariable.keys()].filter((name) => !known.has(name));
    assert.deepEqual(unknown, []);
  });
});

describe('the documentation names only real settings', () => {
  const pages = [
    join(REPO_ROOT, 'README.md'),
    ...readdirSync(join(REPO_ROOT, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => join(REPO_ROOT, 'docs', name)),
  ].filter((page) => existsSync(page));
  const known = new Set(SETTINGS.map((setting) => setting.env));
  for (const page of pages) {
    test(page.slice(REPO_ROOT.length), () => {
      const text = readFileSync(page, 'utf8');
      // HOOKLINE_RETRY_SCHEDUEL is the configuration page's example of a misspelt name.
      const named = [...text.matchAll(/\bHOOKLINE_[A-Z0-9_]+/g)].map((match) => match[0]);
      const unknown = [...new Set(named)].filter(
        (name) => !known.has(name) && name !== 'HOOKLINE_RETRY_SCHEDUEL',
      );
      assert.deepEqual(unknown, [], `${page} names variables the server does not read`);
    });
  }
});
