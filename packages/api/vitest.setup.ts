// Before the project's test files: the migrated database every test file's database is copied from.
import { prepareTestDatabases } from './src/test-support/databases.ts';

export default async function setup(): Promise<void> {
  await prepareTestDatabases();
}
