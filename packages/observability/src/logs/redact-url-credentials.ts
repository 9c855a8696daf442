// One masker for logs, status and store errors alike: it lives in core (edge-safe, no deps).
export { redactUrlCredentials } from '@warren/core';
