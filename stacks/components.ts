import type { Input, Output, OutputInstance } from '@pulumi/pulumi';

/**
 * The slice of SST's and Pulumi's API the stacks use, handed in by `sst.config.ts` (SST's globals
 * `sst`, `aws`, `$output`) or by a test (a recording stand-in, or the real `@pulumi/aws` under
 * Pulumi's runtime mocks). Stacks never touch globals, so they compile and test without `.sst/`.
 * `stacks/sst-typecheck.test.ts` checks that SST's real classes fit these shapes.
 */
export type Seconds = `${number} seconds`;
export type Megabytes = `${number} MB`;

/** Opaque to the stacks: only handed back to the constructors. */
export interface ResourceOptions {
  // biome-ignore lint/suspicious/noExplicitAny: SST's and Pulumi's own option types (different package copies)
  provider?: any;
  // biome-ignore lint/suspicious/noExplicitAny: idem
  dependsOn?: any;
}

export interface FunctionArgs {
  handler: string;
  bundle: string;
  runtime: 'nodejs22.x';
  architecture: 'arm64';
  timeout: Seconds;
  memory: Megabytes;
  environment: Record<string, Input<string>>;
  link: unknown[];
  permissions: Array<{ actions: string[]; resources: Input<string>[] }>;
  /** Always `{ cors: false }`: the ingest answers CORS itself (see function.ts). */
  url?: { cors: false };
}
export interface FunctionLike {
  readonly arn: Output<string>;
  readonly url: Output<string>;
}

export interface QueueArgs {
  fifo?: boolean;
  visibilityTimeout?: `${number} seconds`;
  dlq?: { queue: Input<string>; retry: number };
  transform?: { queue?: { messageRetentionSeconds?: number } };
}
export interface QueueLike {
  readonly arn: Output<string>;
  readonly url: Output<string>;
}

export interface CronArgs {
  function: Input<string>;
  schedule: `rate(${string})` | `cron(${string})`;
}

export interface SecretLike {
  readonly value: Output<string>;
}

type Ctor<A, T> = new (name: string, args: A, opts?: ResourceOptions) => T;

export interface AwsApi {
  Provider: new (name: string, args: { region: string }) => unknown;
  mq: {
    Broker: Ctor<
      {
        brokerName?: Input<string>;
        engineType: 'RabbitMQ';
        engineVersion: string;
        hostInstanceType: string;
        deploymentMode: string;
        publiclyAccessible: boolean;
        autoMinorVersionUpgrade: boolean;
        users: Array<{ username: Input<string>; password: Input<string> }>;
      },
      { readonly arn: Output<string>; readonly instances: Output<Array<{ endpoints: string[] }>> }
    >;
  };
  lambda: {
    EventSourceMapping: Ctor<
      {
        eventSourceArn: Input<string>;
        functionName: Input<string>;
        batchSize: number;
        maximumBatchingWindowInSeconds: number;
        functionResponseTypes?: string[];
        /** One queue name (the API takes a list of exactly one). */
        queues?: Input<string>;
        sourceAccessConfigurations?: Array<{ type: string; uri: Input<string> }>;
      },
      { readonly uuid: Output<string> }
    >;
  };
  secretsmanager: {
    Secret: Ctor<{ name?: Input<string>; recoveryWindowInDays?: number }, { readonly arn: Output<string> }>;
    SecretVersion: Ctor<
      { secretId: Input<string>; secretString: Input<string> },
      { readonly arn: Output<string> }
    >;
  };
}

export interface SstComponents {
  Function: Ctor<FunctionArgs, FunctionLike>;
  Queue: Ctor<QueueArgs, QueueLike>;
  Cron: Ctor<CronArgs, unknown>;
  Secret: new (name: string, placeholder?: string) => SecretLike;
  aws: AwsApi;
  /** `$output` / `pulumi.output`: resolves a list of inputs together. */
  output: (values: Input<string>[]) => OutputInstance<string[]>;
}
