export * from './identifiers.ts';
export * from './problem.ts';
export * from './auth.ts';
export * from './plan.ts';
export * from './me.ts';
export * from './worklist.ts';
export * from './fhir/index.ts';
