// Mutation score per folder, from what `npm run mutate` left: reports/mutation/mutation.json (a
// finished run) or reports/mutation/events (written mutant by mutant, so a run stopped early
// still counts). Several runs can be given (one per file group); `--survivors` lists what lived.
//   node scripts/mutation-score.mjs [report.json | events-folder]... [--survivors]
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const sources = args.filter((a) => !a.startsWith('--'));
if (sources.length === 0) sources.push(existsSync('reports/mutation/mutation.json') ? 'reports/mutation/mutation.json' : 'reports/mutation/events');

/** Every mutant result of one run, with its file relative to the project. */
function resultsOf(source) {
  if (statSync(source).isDirectory()) {
    return readdirSync(source)
      .filter((name) => name.endsWith('-onMutantTested.json'))
      .map((name) => JSON.parse(readFileSync(path.join(source, name), 'utf8')))
      .map((m) => ({ ...m, file: path.relative(process.cwd(), m.fileName) }));
  }
  const report = JSON.parse(readFileSync(source, 'utf8'));
  return Object.entries(report.files).flatMap(([file, data]) => data.mutants.map((m) => ({ ...m, file })));
}

const detected = new Set(['Killed', 'Timeout']);
const undetected = new Set(['Survived', 'NoCoverage']);
const folders = new Map();
const lived = [];
for (const m of sources.flatMap(resultsOf)) {
  const folder = path.dirname(m.file);
  const tally = folders.get(folder) ?? { detected: 0, undetected: 0, other: 0, files: new Set() };
  tally.files.add(m.file);
  if (detected.has(m.status)) tally.detected++;
  else if (undetected.has(m.status)) tally.undetected++;
  else tally.other++;
  folders.set(folder, tally);
  if (undetected.has(m.status)) lived.push(m);
}

for (const [folder, t] of [...folders].sort()) {
  const score = (100 * t.detected) / (t.detected + t.undetected);
  console.log(`${folder}: ${score.toFixed(1)} % — ${t.detected} killed or timed out, ${t.undetected} survived or uncovered` +
    `${t.other ? `, ${t.other} not counted (errors, ignored)` : ''} (${t.files.size} files)`);
}
if (args.includes('--survivors')) {
  const lines = new Map();
  const lineOf = (file, n) => {
    if (!lines.has(file)) lines.set(file, existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []);
    return lines.get(file)[n - 1]?.trim() ?? '';
  };
  lived.sort((a, b) => a.file.localeCompare(b.file) || a.location.start.line - b.location.start.line);
  for (const m of lived) {
    console.log(`${m.status === 'NoCoverage' ? 'no coverage' : 'survived'}  ${m.file}:${m.location.start.line}  ${m.mutatorName} → ${JSON.stringify(m.replacement ?? '')}  | ${lineOf(m.file, m.location.start.line)}`);
  }
}
