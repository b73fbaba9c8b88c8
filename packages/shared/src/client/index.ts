/**
 * What the embeddable elements (the relatives' widget and the staff elements) share in the
 * browser: dependency-free, without schema code, so that each bundle takes only what it uses.
 */
export * from './http.ts';
export * from './styles.ts';
export * from './events.ts';
export * from './tokens.ts';
export * from './intl.ts';
