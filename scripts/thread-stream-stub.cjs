// Stands in for thread-stream (pino's worker-thread transports) in the Lambda bundles: the
// functions log onto process.stdout and never start a transport (see build-functions.ts).
module.exports = class ThreadStream {
  constructor() {
    throw new Error('pino transports are not bundled into the Lambda functions (scripts/build-functions.ts)');
  }
};
