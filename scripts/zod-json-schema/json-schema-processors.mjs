// Placeholder: the Lambda build (scripts/zod-without-json-schema.ts) loads this path with a shim
// generated from zod's node_modules/zod/v4/core/json-schema-processors.js, whose exports it forwards.
export {};
