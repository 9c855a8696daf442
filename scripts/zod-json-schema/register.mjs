// Imported first by each bundled file that converts zod schemas (scripts/zod-without-json-schema.ts):
// loads zod's real conversion modules where that file loads, and hands them to the shims.
import * as processors from '../../node_modules/zod/v4/core/json-schema-processors.js';
import * as conversion from '../../node_modules/zod/v4/core/to-json-schema.js';
import { loaded } from './holder.mjs';

loaded['to-json-schema'] = conversion;
loaded['json-schema-processors'] = processors;
