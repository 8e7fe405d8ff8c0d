/** `npm run schemas`: writes shared/lean/schemas.generated.ts from the zod schemas (tools/schemas/generate.ts). */
import { writeFileSync } from 'node:fs';
import { parseCommandLine } from '../../server/main/command-line.js';
import { generatedSchemas, GENERATED_PATH } from './generate.js';

parseCommandLine({
  name: 'npm run schemas --',
  summary: "Writes shared/lean/schemas.generated.ts (the pages' checks) from the zod schemas; run it after changing a shared schema.",
});

writeFileSync(GENERATED_PATH, await generatedSchemas());
console.log(GENERATED_PATH);
