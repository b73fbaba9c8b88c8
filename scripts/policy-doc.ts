// `npm run policy:doc`: writes the README's "Who sees what" table from the policy table in
// packages/shared/src/policy.ts, between the policy markers. A test fails while they differ.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { POLICY_DOC_END, POLICY_DOC_START, policyMarkdown } from '../packages/shared/src/policy-doc.ts';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const readme = await readFile(readmePath, 'utf8');
const start = readme.indexOf(POLICY_DOC_START);
const end = readme.indexOf(POLICY_DOC_END);
if (start < 0 || end < start) throw new Error(`README.md has no table between ${POLICY_DOC_START} and ${POLICY_DOC_END}`);
const next = `${readme.slice(0, start + POLICY_DOC_START.length)}\n${policyMarkdown()}\n${readme.slice(end)}`;
await writeFile(readmePath, next);
process.stdout.write(next === readme ? 'README.md: the policy table is current\n' : 'README.md: the policy table was rewritten\n');
