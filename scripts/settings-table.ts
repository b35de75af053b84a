// Renders the control plane's settings as the Markdown table the README carries between
// <!-- settings:start --> and <!-- settings:end -->.
//   node --import tsx scripts/settings-table.ts          print the table
//   node --import tsx scripts/settings-table.ts --write   rewrite it in README.md
// control-plane/test/unit/docs.test.ts fails when README and config.ts drift apart.
import { readFileSync, writeFileSync } from 'node:fs';
import { SETTINGS } from '../control-plane/src/config.js';

export function renderSettingsTable(): string {
  const rows = SETTINGS.map((s) => `| \`${s.name}\` | ${s.default === '' ? '(empty)' : `\`${s.default}\``} | ${s.help.replace(/\|/g, '\\|')} |`);
  return ['| setting | default | what it does |', '|---|---|---|', ...rows].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const table = renderSettingsTable();
  if (process.argv.includes('--write')) {
    const path = new URL('../README.md', import.meta.url);
    const readme = readFileSync(path, 'utf8');
    const next = readme.replace(/<!-- settings:start -->[\s\S]*<!-- settings:end -->/, `<!-- settings:start -->\n${table}\n<!-- settings:end -->`);
    writeFileSync(path, next);
  } else {
    console.log(table);
  }
}
