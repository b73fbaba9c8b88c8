import { describe, expect, it } from 'vitest';
import { fillHref } from './href.ts';

describe('fillHref', () => {
  it('fills planId and focus, each encoded as one URL component', () => {
    expect(fillHref('/case/plans/{planId}?focus={focus}', { planId: 'a1', focus: 'relative:r 1:commitment:c/2' })).toBe(
      '/case/plans/a1?focus=relative%3Ar%201%3Acommitment%3Ac%2F2',
    );
    expect(fillHref('https://case.example/p/{planId}#{focus}', { planId: '../x?y', focus: 'follow-up' })).toBe('https://case.example/p/..%2Fx%3Fy#follow-up');
  });

  it('leaves focus empty when there is none', () => {
    expect(fillHref('/p/{planId}?focus={focus}', { planId: 'p' })).toBe('/p/p?focus=');
  });

  it('makes no link of a template with another scheme, an unknown placeholder or a protocol-relative start', () => {
    expect(fillHref('javascript:alert({planId})', { planId: 'p' })).toBeUndefined();
    expect(fillHref(' JavaScript:x', { planId: 'p' })).toBeUndefined();
    expect(fillHref('data:text/html,{planId}', { planId: 'p' })).toBeUndefined();
    expect(fillHref('/p/{id}', { planId: 'p' })).toBeUndefined();
    expect(fillHref('//evil.example/{planId}', { planId: 'p' })).toBeUndefined();
    expect(fillHref('', { planId: 'p' })).toBeUndefined();
  });

  it('an id cannot smuggle a scheme in: it is encoded', () => {
    expect(fillHref('{planId}', { planId: 'javascript:alert(1)' })).toBe('javascript%3Aalert(1)');
  });
});
