export * from './codesystems.ts';
export * from './plan-to-fhir.ts';
export * from './publish-bundle.ts';
export { stableUuid } from './stable-uuid.ts';
export * from './provenance-marks.ts';
export * from './document.ts';
export { escapeXhtml, narrativeIssues, XHTML_NAMESPACE } from './narrative.ts';
export * from './systems.ts';
