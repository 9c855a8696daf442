// A config module that forgot defineConfig: loadConfig must say so (see load-config.test.ts).
export default { tasks: [], worker: { concurrency: 2 } };
