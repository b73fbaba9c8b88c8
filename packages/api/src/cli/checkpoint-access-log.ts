// Writes a checkpoint of the access log now (the service writes one every
// ACCESS_LOG_CHECKPOINT_INTERVAL_SECONDS; this is for a scheduler, or before a backup).
// Exit 0 when written or nothing changed, 1 when the log no longer agrees with its last
// checkpoint (nothing written), 78 on bad configuration or without ACCESS_LOG_CHECKPOINTS.
import { loadConfigOrExit } from '../config/config.ts';
import { openCheckpointStore, writeCheckpoint } from '../access-log/checkpoints.ts';
import { openConfiguredDatabase } from '../server.ts';

const config = loadConfigOrExit();
if (!config.accessLogCheckpoints) {
  process.stderr.write('ACCESS_LOG_CHECKPOINTS is not set: there is nowhere to keep a checkpoint\n');
  process.exit(78);
}
const database = await openConfiguredDatabase(config);
const store = await openCheckpointStore(config.accessLogCheckpoints);
try {
  const outcome = await writeCheckpoint(database.db, store, new Date());
  if (outcome.written) process.stdout.write(`checkpoint written: entry ${outcome.checkpoint.seq}, in ${store.where}\n`);
  else if (outcome.reason === 'empty') process.stdout.write('the access log is empty: no checkpoint\n');
  else if (outcome.reason === 'unchanged') process.stdout.write('no new entries since the last checkpoint\n');
  else if (outcome.reason === 'broken') {
    process.stdout.write(`access log BROKEN at entry ${outcome.verdict.brokenAt} (${outcome.verdict.reason}): no checkpoint written\n`);
    process.exitCode = 1;
  }
} finally {
  await store.close();
  await database.close();
}
