// The public contract of the staff elements, read from the JSDoc tags on the class
// (@summary, @attr, @event, @csspart, @cssproperty) and its public properties.
// `npx cem analyze` (in packages/widget) writes custom-elements.json; a test checks that the
// committed one is current.

/** Private members and events the analyzer infers from `dispatchEvent` calls are not the contract. */
function publicContractOnly() {
  return {
    name: 'sip-public-contract-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          if (declaration.members) {
            declaration.members = declaration.members.filter((m) => m.privacy !== 'private' && !m.name.startsWith('#'));
          }
          if (declaration.events) {
            declaration.events = declaration.events.filter((e) => e.name?.startsWith('sip-'));
          }
        }
      }
    },
  };
}

export default {
  globs: ['src/index.ts', 'src/base.ts', 'src/sip-*.ts', 'src/events.ts'], exclude: ['src/**/*.test.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [publicContractOnly()],
};
