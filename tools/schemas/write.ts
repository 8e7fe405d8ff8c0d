/** `npm run schemas`: writes shared/lean/schemas.generated.ts from the zod schemas (tools/schemas/generate.ts). */
import { writeFileSync } from 'node:fs';
import { generatedSchemas, GENERATED_PATH } from './generate.js';

writeFileSync(GENERATED_PATH, await generatedSchemas());
console.log(GENERATED_PATH);
