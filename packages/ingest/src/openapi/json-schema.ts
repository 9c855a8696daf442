import * as z from 'zod';

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as a request or a response reads it. */
export const schema = (s: z.ZodType, io: 'input' | 'output' = 'output') =>
  z.toJSONSchema(s, { target: 'draft-2020-12', io, unrepresentable: 'any' });
