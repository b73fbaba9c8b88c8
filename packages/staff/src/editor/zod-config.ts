/**
 * Zod compiles object schemas with `new Function` unless told not to; under the host systems'
 * strict CSP with Trusted Types that is refused (and reported). The element checks forms
 * without it. Imported before anything that makes a schema: an object schema decides
 * whether to compile when it is made.
 */
import { config } from 'zod';

config({ jitless: true });
