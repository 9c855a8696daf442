export { createRuntime, type Runtime } from './runtime/create-runtime';
export { applyEnv, loadConfig } from './runtime/load-config';
