// Prints what a Playwright run's JSON report (results.json) says went
// wrong, briefly: each failed or flaky test with its file, line and the
// first lines of its error. test.sh prints it last, where a CI log that
// keeps only its end still shows it.
import { readFileSync } from 'fs';

const file = process.argv[2] ?? 'results.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.log(`no Playwright report at ${file}: ${e.message}`);
  process.exit(0);
}
const plain = (s) => (s ?? '').replace(/\u001b\[[0-9;]*m/g, '');
const lines = [];
function walk(suite, path) {
  for (const s of suite.suites ?? []) walk(s, [...path, s.title]);
  for (const spec of suite.specs ?? []) {
    for (const t of spec.tests ?? []) {
      if (t.status === 'expected' || t.status === 'skipped') continue;
      lines.push(`${t.status.toUpperCase()}: ${spec.file}:${spec.line} ${[...path, spec.title].filter(Boolean).join(' › ')} [${t.projectName}]`);
      for (const r of t.results ?? []) {
        for (const err of r.errors ?? []) {
          const where = err.location ? ` (at ${err.location.file.split('/').pop()}:${err.location.line})` : '';
          lines.push(`  try ${r.retry + 1}, ${r.status}${where}:`);
          for (const l of plain(err.message).split('\n').slice(0, 12)) lines.push(`    ${l}`);
          // When the error is in a helper, the spec line that called it.
          const called = plain(err.stack)
            .split('\n')
            .map((l) => l.match(/([\w.-]+\.spec\.ts:\d+)/)?.[1])
            .find((l) => l && !where.includes(l));
          if (called) lines.push(`    called from ${called}`);
        }
        // What the browser said (fixtures.ts attaches it to failed tries).
        for (const a of r.attachments ?? []) {
          if (a.name !== 'browser-log' || !a.body) continue;
          const log = Buffer.from(a.body, 'base64').toString('utf8').split('\n');
          lines.push(`  try ${r.retry + 1}, the browser (last ${Math.min(log.length, 30)} of ${log.length} lines):`);
          for (const l of log.slice(-30)) lines.push(`    ${l}`);
        }
      }
    }
  }
}
for (const s of report.suites ?? []) walk(s, []);
const st = report.stats ?? {};
console.log(`==> Playwright: ${st.expected ?? '?'} passed, ${st.unexpected ?? '?'} failed, ${st.flaky ?? '?'} flaky, ${st.skipped ?? '?'} skipped`);
for (const l of lines) console.log(l);
