import type { AccessEntry } from '../access-log/access-log.ts';

/** An access-log entry of a region physician's plan read; override what a test is about. */
export const accessEntry = (overrides: Partial<AccessEntry> = {}): AccessEntry => ({
  at: new Date('2026-11-22T10:00:00Z'),
  userId: 'SE2321000099-7P02',
  organisationId: 'SE2321000099-7RG1',
  individualId: '194003019801',
  planId: null,
  action: 'plan.read',
  purpose: 'care-coordination',
  requestId: 'req-1',
  ...overrides,
});
