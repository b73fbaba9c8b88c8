import { describe, expect, it } from 'vitest';
import { checkComment, COMMENT_MAX, PendingAnswers, reconfirmOpensOn, type AnswerRequest } from './answers.ts';

describe('checkComment', () => {
  it('accepts up to the limit, with newlines and tabs', () => {
    expect(checkComment('x'.repeat(COMMENT_MAX))).toBeUndefined();
    expect(checkComment('rad ett\n\trad två')).toBeUndefined();
  });

  it('refuses a comment over the limit, saying how long it is', () => {
    expect(checkComment('x'.repeat(COMMENT_MAX + 1))).toEqual({ kind: 'too-long', length: COMMENT_MAX + 1 });
  });

  it('refuses control characters other than newline and tab, as the service does', () => {
    expect(checkComment('bell\u0007')).toEqual({ kind: 'control' });
    expect(checkComment('c1\u0085')).toEqual({ kind: 'control' });
  });
});

describe('reconfirmation', () => {
  it('opens 14 days before the review date', () => {
    expect(reconfirmOpensOn('2026-03-15')).toBe('2026-03-01');
    expect(reconfirmOpensOn('2026-01-10')).toBe('2025-12-27');
  });
});

describe('PendingAnswers', () => {
  const accept: AnswerRequest = { kind: 'commitment', planId: 'p1', commitmentId: 'c1', body: { answer: 'accept' } };

  it('sends the same answer again under the same key until it is settled', () => {
    const pending = new PendingAnswers();
    const first = pending.keyFor(accept);
    expect(pending.keyFor({ ...accept, body: { answer: 'accept' } })).toBe(first);
    expect(pending.get('p1', 'c-c1')).toEqual(accept);
    pending.settle(accept);
    expect(pending.get('p1', 'c-c1')).toBeUndefined();
    expect(pending.keyFor(accept)).not.toBe(first);
  });

  it('gives a different answer on the same commitment a new key', () => {
    const pending = new PendingAnswers();
    const first = pending.keyFor(accept);
    expect(pending.keyFor({ ...accept, body: { answer: 'accept', comment: 'gärna' } })).not.toBe(first);
  });
});
