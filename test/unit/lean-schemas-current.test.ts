/**
 * shared/lean/schemas.generated.ts is what `npm run schemas` writes from the
 * zod schemas today: a changed shared schema without the regenerated file
 * would let the pages check frames against yesterday's shape.
 */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { generatedSchemas, GENERATED_PATH } from '../../tools/schemas/generate.js';

it('is current with the zod schemas (run `npm run schemas` when it is not)', async () => {
  expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(await generatedSchemas());
});
