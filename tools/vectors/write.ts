/** `npm run vectors`: writes docs/vectors/*.json from tools/vectors/build.ts. */
import { writeFileSync } from 'node:fs';
import { buildVectors, formatVector } from './build.js';

const directory = new URL('../../docs/vectors/', import.meta.url);
for (const [name, content] of Object.entries(await buildVectors())) {
  writeFileSync(new URL(name, directory), formatVector(content));
  console.log(`docs/vectors/${name}`);
}
