/** A text shown to people, in each language the pages speak. */
import { z } from 'zod';

export const LocalText = z.object({ ko: z.string(), en: z.string() });
export type LocalText = z.infer<typeof LocalText>;
