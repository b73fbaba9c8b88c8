// Verifies the access log in the configured database (DATABASE_URL, or the embedded one under
// DATA_DIR): every entry's hash, every link, numbering without gaps, and agreement with the
// checkpoints kept outside the database (ACCESS_LOG_CHECKPOINTS). Reports the first broken
// entry, and the entries written but not yet linked by the chainer (not broken: not yet
// verifiable). Exit 0 when intact, 1 when broken, 78 on bad configuration.
// The command itself: src/access-log/verify-command.ts.
import { verifyAccessLogCommand } from '../access-log/verify-command.ts';

process.exitCode = await verifyAccessLogCommand(
  process.env,
  (text) => process.stdout.write(text),
  (text) => process.stderr.write(text),
);
