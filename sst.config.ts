/// <reference path="./.sst/platform/config.d.ts" />

/**
 * `npx sst deploy --stage <stage>` (after `npm run build:functions`): one warren.config.ts drives
 * both the runtime and the infrastructure. This file only wires `stacks/` (see docs/deploy.md);
 * SST forbids top-level imports here, so modules load inside `run()`.
 */
export default $config({
  app(input) {
    return {
      name: 'warren',
      removal: input?.stage === 'production' ? 'retain' : 'remove',
      protect: input?.stage === 'production',
      home: 'aws',
    };
  },
  async run() {
    const { default: config } = await import('./warren.config');
    const { planDeployment } = await import('./stacks/plan');
    const { deployWarren } = await import('./stacks/index');
    const { assertBundlesFresh } = await import('./stacks/bundle-freshness');
    const plan = planDeployment(config);
    // The bundles carry the config and tasks of their build: older ones would disagree with this plan.
    assertBundlesFresh(
      plan.regions.flatMap((r) => [
        r.ingest.bundle,
        ...r.sqsQueues.map((q) => q.worker.bundle),
        ...r.rmqWorkers.map((w) => w.worker.bundle),
        ...(r.forwarder ? [r.forwarder.drain.bundle] : []),
      ]),
    );
    return deployWarren(
      plan,
      {
        Function: sst.aws.Function,
        Queue: sst.aws.Queue,
        Cron: sst.aws.Cron,
        Secret: sst.Secret,
        aws,
        output: $output,
      },
      { namePrefix: `${$app.name}-${$app.stage}` },
    );
  },
});
