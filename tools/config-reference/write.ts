/** `npm run config-reference`: writes docs/configuration.md from the config schema (./reference.ts). */
import { writeFileSync } from 'node:fs';
import { parseCommandLine } from '../../server/main/command-line.js';
import { configReference, undescribedFields } from './reference.js';

parseCommandLine({
  name: 'npm run config-reference --',
  summary: 'Writes docs/configuration.md from the config schema (server/config/schema.ts) and the environment mapping (server/config/load.ts).',
});
const undescribed = undescribedFields();
if (undescribed.length > 0) {
  console.error(`config-reference: fields without a description (add .describe(…) in the schema): ${undescribed.join(', ')}`);
  process.exit(1);
}
writeFileSync(new URL('../../docs/configuration.md', import.meta.url), configReference());
console.log('docs/configuration.md');
