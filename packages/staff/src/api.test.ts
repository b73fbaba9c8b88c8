import { describe, expect, it } from 'vitest';
import { TokenSource, type AccessTokenProvider } from './api.ts';

describe('the token source', () => {
  it('asks the host once for the requests that start together, and they all send that token', async () => {
    const calls: boolean[] = [];
    const provider: AccessTokenProvider = async ({ renew }) => {
      calls.push(renew);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return `token-${calls.length}`;
    };
    const tokens = new TokenSource(() => provider);
    await expect(Promise.all([tokens.current(), tokens.current(), tokens.current()])).resolves.toEqual(['token-1', 'token-1', 'token-1']);
    await expect(tokens.current()).resolves.toBe('token-1');
    expect(calls).toEqual([false]);
    await expect(tokens.renew('token-1')).resolves.toBe('token-2');
    expect(calls).toEqual([false, true]);
  });

  it('keeps no token asked of a provider the host has since replaced', async () => {
    let release: (token: string) => void = () => {};
    let provider: AccessTokenProvider = () => new Promise<string>((resolve) => (release = resolve));
    const tokens = new TokenSource(() => provider);
    const old = tokens.current();
    provider = () => 'new';
    tokens.reset();
    release('old');
    await expect(old).resolves.toBe('old');
    await expect(tokens.current()).resolves.toBe('new');
  });
});
