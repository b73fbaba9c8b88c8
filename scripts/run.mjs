#!/usr/bin/env node
// The README's commands: `npm start`, `npm test` and `npm run build`. Each installs what is
// missing (with the pnpm version pinned in package.json, fetched by npx when not installed),
// builds what must be built, and then starts the broker, runs the whole suite, or builds the
// service for production (packages/api/dist/main.js, started with `npm run start:prod`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmSpec = pkg.packageManager; // e.g. pnpm@10.34.9
const isWindows = process.platform === 'win32';

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: isWindows, ...options });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function pnpm(args) {
  run('npx', ['--yes', pnpmSpec, ...args]);
}

function installIfNeeded() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  pnpm(['install', '--frozen-lockfile']);
}

function build() {
  for (const script of ['widget/build.mjs', 'widget/build-individual.mjs', 'staff/build.mjs']) {
    const path = join(root, 'packages', script);
    if (existsSync(path)) run(process.execPath, [path]);
  }
}

const command = process.argv[2];
installIfNeeded();
build();

if (command === 'start') {
  const child = spawn(process.execPath, ['--import', 'tsx', join('packages', 'api', 'src', 'main.ts')], {
    cwd: root,
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else if (command === 'build') {
  run(process.execPath, [join(root, 'packages', 'api', 'build.mjs')]);
} else if (command === 'test') {
  run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
  run(process.execPath, [vitest, 'run', ...process.argv.slice(3)]);
  // TEST_ALSO_ON_NODE=24 (CI sets it): the suite again on each Node major listed, taken from the
  // npm registry's `node` package, so every process the tests start runs on that Node too; all
  // but the files that drive Chromium (test/vitest.config.ts), which the first pass ran.
  for (const major of (process.env.TEST_ALSO_ON_NODE ?? '').split(',').map((v) => v.trim()).filter(Boolean)) {
    if (!/^\d+$/.test(major)) {
      process.stderr.write(`TEST_ALSO_ON_NODE: "${major}" is not a Node major version\n`);
      process.exit(2);
    }
    if (Number(major) === Number(process.versions.node.split('.')[0])) continue;
    const onNode = ['--yes', '-p', `node@${major}`, '--', 'node'];
    const version = spawnSync('npx', [...onNode, '--version'], { cwd: root, encoding: 'utf8', shell: isWindows });
    if (version.status !== 0) {
      process.stderr.write(`Node ${major} could not be had from the npm registry:\n${version.stderr}`);
      process.exit(1);
    }
    process.stdout.write(`\nThe suite again, on Node ${version.stdout.trim()}:\n`);
    run('npx', [...onNode, vitest, 'run', ...process.argv.slice(3)], { env: { ...process.env, TEST_WITHOUT_BROWSER: '1' } });
  }
} else {
  process.stderr.write('usage: node scripts/run.mjs start|test|build\n');
  process.exit(2);
}
