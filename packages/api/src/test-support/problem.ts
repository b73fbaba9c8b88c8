import { expect } from 'vitest';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
  requestId?: string;
}

/**
 * Asserts an RFC 9457 problem response: the status, the content type, a problem type of
 * ours, a title, and the request id the response header carries. Returns the body.
 */
export async function expectProblem(res: Response, status: number): Promise<ProblemBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const body = (await res.json()) as ProblemBody;
  expect(body.status).toBe(status);
  expect(body.type).toMatch(/^urn:sip-broker:problem:/);
  expect(body.title).toBeTruthy();
  expect(body.requestId).toBe(res.headers.get('x-request-id'));
  return body;
}
