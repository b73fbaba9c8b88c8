/**
 * The plan documents: how long drawing one PDF takes, for each view (the whole plan in Swedish,
 * the meeting papers in English, a relative's own document in Swedish), from the same texts.
 * The first document of the process is shown apart (it reads the two faces' tables); then each
 * view is drawn DOCUMENT_RUNS times in turn, and min/median/max printed.
 *
 *   npm run bench:documents            (DOCUMENT_RUNS=N, default 20)
 */
import { planFrom, relativeViewFrom } from '../src/documents/fixtures.test-support.ts';
import { renderPdf, type DocumentModel } from '../src/documents/pdf.ts';
import { meetingDocument, relativeDocument, wholeDocument } from '../src/documents/plan-document.ts';
import { fmt, spread } from './harness.ts';

const RUNS = Math.max(3, Number(process.env.DOCUMENT_RUNS ?? 20));
const MADE = new Date('2026-12-01T10:00:00Z');
const texts = Array.from({ length: 9 }, (_, i) => `Text ${i + 1}: handla mat på torsdagar, följa med till vårdcentralen och ringa på söndagskvällen`);

const views: [string, DocumentModel][] = [
  ['whole plan (sv)', wholeDocument(planFrom(texts), 'sv', MADE)],
  ['meeting papers (en)', meetingDocument(planFrom(texts), 'en', MADE)],
  ["a relative's document (sv)", relativeDocument(relativeViewFrom(texts), { revision: 3, changedAt: '2026-11-30T08:00:00Z', madeAt: MADE }, 'sv')],
];

const firstStarted = performance.now();
const first = await renderPdf(views[0]![1], MADE);
console.log(`first document of the process: ${fmt(performance.now() - firstStarted, 1)} ms (${fmt(first.length)} bytes)`);

const times = new Map<string, number[]>(views.map(([name]) => [name, []]));
for (let run = 0; run < RUNS; run++) {
  for (const [name, model] of views) {
    const started = performance.now();
    await renderPdf(model, MADE);
    times.get(name)!.push(performance.now() - started);
  }
}
console.log(`each view drawn ${RUNS} times, in turn:`);
for (const [name, values] of times) {
  const s = spread(values);
  console.log(`  ${name.padEnd(28)} min ${fmt(s.min, 1).padStart(6)} ms  median ${fmt(s.median, 1).padStart(6)} ms  max ${fmt(s.max, 1).padStart(6)} ms`);
}
