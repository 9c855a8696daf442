// Stands in for pino's lib/transport.js (worker-thread transports, via thread-stream) and
// lib/multistream.js in the Lambda bundles: the functions log onto process.stdout and use
// neither (see build-functions.ts). pino.transport and pino.multistream are this function.
module.exports = function notBundled() {
  throw new Error(
    'pino transports and multistream are not bundled into the Lambda functions (scripts/build-functions.ts)',
  );
};
