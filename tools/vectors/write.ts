/** `npm run vectors`: writes docs/vectors/*.json from tools/vectors/build.ts. */
import { writeFileSync } from 'node:fs';
import { parseCommandLine } from '../../server/main/command-line.js';
import { buildVectors, formatVector } from './build.js';

parseCommandLine({ name: 'npm run vectors --', summary: 'Writes the protocol test vectors, docs/vectors/*.json, from tools/vectors/build.ts.' });

const directory = new URL('../../docs/vectors/', import.meta.url);
for (const [name, content] of Object.entries(await buildVectors())) {
  writeFileSync(new URL(name, directory), formatVector(content));
  console.log(`docs/vectors/${name}`);
}
