import type { SstComponents } from '../components';

/** A resolved value standing in for a Pulumi Output: `apply` runs at once. */
export class Resolved<T> {
  constructor(readonly value: T) {}
  apply<U>(f: (v: T) => U): Resolved<U> {
    return new Resolved(f(this.value));
  }
}

export function unwrap(v: unknown): unknown {
  if (v instanceof Resolved) return unwrap(v.value);
  if (Array.isArray(v)) return v.map(unwrap);
  if (v && typeof v === 'object' && !(v instanceof Recorded)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
  }
  return v;
}

export class Recorded {
  constructor(
    readonly type: string,
    readonly name: string,
    readonly args: unknown,
    readonly opts: unknown,
  ) {}
}

/**
 * A recording stand-in for the SST components and `aws.*` classes the stacks use: each
 * constructor call is recorded (type, name, args with outputs resolved, options), and outputs
 * are fake but deterministic (`arn:fake:<type>:<name>`, `https://<name>.fake`).
 */
export function recordingComponents() {
  const calls: Recorded[] = [];
  const make = (type: string, outputs: (name: string) => Record<string, unknown> = () => ({})) =>
    class extends Recorded {
      constructor(name: string, args?: unknown, opts?: unknown) {
        super(type, name, unwrap(args), opts);
        const outs: Record<string, unknown> = {
          arn: new Resolved(`arn:fake:${type}:${name}`),
          ...outputs(name),
        };
        Object.assign(this, outs);
        calls.push(this);
      }
    };
  const components = {
    Function: make('sst.aws.Function', (n) => ({ url: new Resolved(`https://${n}.fake`) })),
    Queue: make('sst.aws.Queue', (n) => ({ url: new Resolved(`https://sqs.fake/${n}`) })),
    Cron: make('sst.aws.Cron'),
    Secret: class extends Recorded {
      readonly value: Resolved<string>;
      constructor(name: string, placeholder?: string) {
        super('sst.Secret', name, { placeholder }, undefined);
        this.value = new Resolved(`secret-of-${name}`);
        calls.push(this);
      }
    },
    aws: {
      Provider: make('aws.Provider'),
      mq: {
        Broker: make('aws.mq.Broker', (n) => ({
          instances: new Resolved([{ endpoints: [`amqps://${n}.mq.fake:5671`] }]),
        })),
      },
      lambda: {
        EventSourceMapping: make('aws.lambda.EventSourceMapping', (n) => ({ uuid: new Resolved(n) })),
      },
      secretsmanager: {
        Secret: make('aws.secretsmanager.Secret'),
        SecretVersion: make('aws.secretsmanager.SecretVersion'),
      },
    },
    output: (values: unknown[]) => new Resolved(values.map(unwrap)),
  };
  return { components: components as unknown as SstComponents, calls };
}
