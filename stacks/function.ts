import type { FunctionArgs, FunctionLike, ResourceOptions, SecretLike, SstComponents } from './components';
import type { FunctionPlan } from './plan';
import type { Refs } from './refs';

/** One `sst.aws.Function` from a plan entry: prebuilt bundle, env with refs resolved, secrets linked. */
export function createFunction(
  plan: FunctionPlan & { url?: boolean },
  c: Pick<SstComponents, 'Function'>,
  refs: Refs,
  secrets: Map<string, SecretLike>,
  opts: ResourceOptions,
): FunctionLike {
  const args: FunctionArgs = {
    handler: plan.handler,
    bundle: plan.bundle,
    runtime: plan.runtime,
    architecture: plan.architecture,
    timeout: `${plan.timeoutS} seconds`,
    memory: `${plan.memoryMb} MB`,
    environment: refs.resolveAll(plan.environment),
    link: plan.links.map((name) => {
      const s = secrets.get(name);
      if (!s) throw new Error(`stacks: ${plan.name} links the undeclared secret ${name}`);
      return s;
    }),
    permissions: plan.permissions.map((p) => ({
      actions: p.actions,
      resources: p.resources.map((r) => refs.resolve(r)),
    })),
    // SST's `url: true` sets the Function URL's CORS to allow every origin, method and header,
    // and Lambda answers preflights from it without invoking the function: the ingest's own CORS
    // (on only with ingest.corsOrigins, as on Node) would never decide. Off here, so it does.
    ...(plan.url ? { url: { cors: false as const } } : {}),
  };
  return new c.Function(plan.name, args, opts);
}
