// The verify command (src/cli/verify-access-log.ts, `npm run access-log:verify`): verifies the
// access log in the configured database (DATABASE_URL, or the embedded one under DATA_DIR): every
// entry's hash, every link, numbering without gaps, and agreement with the checkpoints kept
// outside the database (ACCESS_LOG_CHECKPOINTS). Reports the first broken entry, and the entries
// written but not yet linked by the chainer (not broken: not yet verifiable).
import { ConfigError, loadConfig } from '../config/config.ts';
import { openConfiguredDatabase } from '../server.ts';
import { openCheckpointStore, verifyWithCheckpoints, type LogVerdict } from './checkpoints.ts';

const broken: Record<Extract<LogVerdict, { ok: false }>['reason'], string> = {
  hash: 'its contents do not match its hash',
  link: 'it does not link to the entry before it',
  gap: 'it is missing: the entries are numbered without gaps',
  checkpoint: 'it differs from what a checkpoint kept outside the database recorded',
  missing: 'it and the entries after it are gone, though a checkpoint kept outside the database names them',
  checkpoints: 'the checkpoints cannot be trusted',
};

/**
 * Runs the verify command with the given environment, writing its report to `out` (and a bad
 * configuration to `err`), and resolves with its exit code: 0 when intact, 1 when broken, 78 on
 * bad configuration.
 */
export async function verifyAccessLogCommand(
  env: Record<string, string | undefined>,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  let config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err(`${error.message}\n`);
    return 78;
  }
  const database = await openConfiguredDatabase(config);
  const store = config.accessLogCheckpoints ? await openCheckpointStore(config.accessLogCheckpoints) : undefined;
  let code = 0;
  try {
    const verdict = await verifyWithCheckpoints(database.db, store);
    const lines: string[] = [];
    if (verdict.ok) {
      lines.push(`access log intact: ${verdict.rows} entries, every link verified, numbered without gaps`);
      if (verdict.checkpoint) lines.push(`newest checkpoint (entry ${verdict.checkpoint.seq}, written ${verdict.checkpoint.writtenAt}) agrees, in ${store!.where}`);
      else if (store) lines.push(`no checkpoint in ${store.where} yet`);
      else lines.push('WARNING: no checkpoints are kept (ACCESS_LOG_CHECKPOINTS): deleting or rewriting the newest entries could not be detected');
    } else if (verdict.reason === 'checkpoints') {
      lines.push(`access log NOT VERIFIED: ${broken.checkpoints}: ${verdict.detail}`);
      code = 1;
    } else {
      lines.push(`access log BROKEN at entry ${verdict.brokenAt}: ${broken[verdict.reason]} (${verdict.rows} entries read)`);
      code = 1;
    }
    if ('unchained' in verdict && verdict.unchained > 0 && verdict.unchainedIds) {
      const { first, last } = verdict.unchainedIds;
      lines.push(
        `${verdict.unchained} ${verdict.unchained === 1 ? 'entry' : 'entries'} written but not yet linked into the chain ` +
          `(write order ${first === last ? first : `${first}–${last}`}): not verified yet; the service links them after each request`,
      );
    }
    out(`${lines.join('\n')}\n`);
  } finally {
    await store?.close();
    await database.close();
  }
  return code;
}
