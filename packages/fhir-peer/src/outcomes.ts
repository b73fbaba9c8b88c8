import { getStatus, normalizeOperationOutcome, OperationOutcomeError } from '@medplum/core';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

/** An error that answers with a given HTTP status and OperationOutcome. */
export class HttpProblem extends Error {
  readonly outcome: OperationOutcome;

  constructor(
    readonly status: number,
    code: OperationOutcomeIssue['code'],
    text: string
  ) {
    super(text);
    this.outcome = errorOutcome(code, text);
  }
}

/** An OperationOutcome with a single error issue. */
export function errorOutcome(code: OperationOutcomeIssue['code'], text: string): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, details: { text } }] };
}

/** The HTTP status and OperationOutcome that answer a thrown error. */
export function describeError(error: unknown): { status: number; outcome: OperationOutcome } {
  if (error instanceof HttpProblem) {
    return { status: error.status, outcome: error.outcome };
  }
  const outcome = error instanceof OperationOutcomeError ? error.outcome : normalizeOperationOutcome(error);
  return { status: getStatus(outcome), outcome };
}
