/**
 * `@aws-sdk/client-sqs`, imported on first use and cached. Loading it is most of a Lambda cold
 * start (~150 ms) while a batch whose jobs all succeed never calls SQS (the event source mapping
 * deletes them), so the Lambda path reaches the SDK only through this dynamic import.
 */
type SqsSdk = typeof import('@aws-sdk/client-sqs');

let sdk: Promise<SqsSdk> | undefined;

export function loadSqsSdk(): Promise<SqsSdk> {
  sdk ??= import('@aws-sdk/client-sqs').catch((err) => {
    sdk = undefined; // a failed load is retried on the next call
    throw err;
  });
  return sdk;
}
