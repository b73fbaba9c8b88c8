// A thread's entry: TypeScript loaded through tsx (a thread does not inherit the loader), then the peer.
import { register } from 'tsx/esm/api';

register();
await import('./peer-thread.ts');
