// Verifies the access log's hash chain in the configured database (DATABASE_URL, or the
// embedded one under DATA_DIR) and reports the first broken link. Exit 0 when intact,
// 1 when broken, 78 on bad configuration.
import { loadConfigOrExit } from '../config/config.ts';
import { verifyAccessLog } from '../access-log/access-log.ts';
import { openConfiguredDatabase } from '../server.ts';

const config = loadConfigOrExit();
const database = await openConfiguredDatabase(config);
try {
  const verdict = await verifyAccessLog(database.db);
  if (verdict.ok) {
    process.stdout.write(`access log intact: ${verdict.rows} entries, every link verified\n`);
  } else {
    process.stdout.write(
      `access log BROKEN at entry ${verdict.brokenAt}: ${
        verdict.reason === 'hash' ? 'its contents do not match its hash' : 'it does not link to the entry before it'
      } (${verdict.rows} entries read)\n`,
    );
    process.exitCode = 1;
  }
} finally {
  await database.close();
}
