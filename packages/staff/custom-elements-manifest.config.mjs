// The public contract of the staff elements, read from the JSDoc tags on the class
// (@summary, @attr, @event, @csspart, @cssproperty) and its public properties.
// `npx cem analyze` (in packages/staff) writes custom-elements.json; a test checks that the
// committed one is current.
import { publicContractOnly } from '../../scripts/public-contract.mjs';

export default {
  globs: ['src/index.ts', 'src/base.ts', 'src/sip-*.ts', 'src/events.ts'], exclude: ['src/**/*.test.ts'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [publicContractOnly()],
};
