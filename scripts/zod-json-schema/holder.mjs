// zod's two conversion modules once register.mjs has loaded them, read by the shims
// (scripts/zod-without-json-schema.ts).
export const loaded = { 'to-json-schema': undefined, 'json-schema-processors': undefined };
