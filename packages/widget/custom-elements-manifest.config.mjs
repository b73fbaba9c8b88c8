// The public contract of <sip-relative-view> and <sip-individual-view>, read from the JSDoc tags on the class
// (@summary, @attr, @event, @csspart, @cssproperty) and its public properties.
// `npx cem analyze` (in packages/widget) writes custom-elements.json; a test checks that the
// committed one is current.
import { publicContractOnly } from '../../scripts/public-contract.mjs';

export default {
  globs: ['src/index.ts', 'src/sip-relative-view.ts', 'src/events.ts', 'src/individual/index.ts', 'src/individual/sip-individual-view.ts', 'src/individual/events.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [publicContractOnly()],
};
