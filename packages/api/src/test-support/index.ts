export * from './databases.ts';
export * from './tokens.ts';
export * from './app.ts';
export * from './plans.ts';
export * from './token-server.ts';
export * from './peers.ts';
export * from './problem.ts';
export * from './holdings.ts';
