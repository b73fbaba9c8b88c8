// What the element packages' custom-elements-manifest.config.mjs share.

/**
 * An analyzer plugin: private members (and the attributes the analyzer reads from a `static
 * properties` entry of one, such as internal state) and the events the analyzer infers from
 * `dispatchEvent` calls are not the contract; the manifest keeps the public members and the
 * `sip-` events.
 */
export function publicContractOnly() {
  return {
    name: 'sip-public-contract-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          if (declaration.members) {
            const hidden = new Set(declaration.members.filter((m) => m.privacy === 'private').map((m) => m.name));
            declaration.members = declaration.members.filter((m) => m.privacy !== 'private' && !m.name.startsWith('#'));
            if (declaration.attributes) declaration.attributes = declaration.attributes.filter((a) => !hidden.has(a.fieldName));
          }
          if (declaration.events) {
            declaration.events = declaration.events.filter((e) => e.name?.startsWith('sip-'));
          }
        }
      }
    },
  };
}
