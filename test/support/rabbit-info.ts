import type { RabbitNode } from './rabbit-nodes';

/**
 * What tests ask of or set on a private node, as rabbitmqctl does it (the same internal calls),
 * through `node.erl` (erl_call, ~20 ms) instead of a CLI VM (~1 CPU-s) per look.
 */

/**
 * `item` of queue `q` (vhost /), as `rabbitmqctl list_queues name <item>` reads it
 * (rabbit_amqqueue:info_all); `of` an Erlang expression of the value V (default V itself).
 * 'none' when there is no such queue. Atoms print quoted ('node@host'), strings in double quotes.
 */
export const queueInfo = (node: RabbitNode, q: string, item: string, of = 'V'): Promise<string> =>
  node.erl(
    `case [${of} || [{name, {resource, _, queue, N}}, {${item}, V}] <- rabbit_amqqueue:info_all(<<"/">>, [name, ${item}]), N =:= <<"${q}">>] of [X] -> X; [] -> none end`,
  );

/** Messages in queue `q`, ready, unacked and held (`list_queues name messages`); NaN if none. */
export const queueMessages = async (node: RabbitNode, q: string): Promise<number> =>
  Number(await queueInfo(node, q, 'messages'));

/** The node leading quorum queue `q` ('name@host'), '' when there is none. */
export const queueLeader = async (node: RabbitNode, q: string): Promise<string> => {
  const out = await queueInfo(node, q, 'leader');
  return out === 'none' ? '' : out.replace(/^'(.*)'$/, '$1');
};

/** `rabbitmqctl set_vm_memory_high_watermark`: `limit` as Erlang, `{absolute, 1}` raises the alarm. */
export const setMemoryWatermark = (node: RabbitNode, limit: string): Promise<string> =>
  node.erl(`vm_memory_monitor:set_vm_memory_high_watermark(${limit})`);

/** The node's client connections (`rabbitmqctl list_connections`). */
export const connectionCount = async (node: RabbitNode): Promise<number> =>
  Number(await node.erl('length(rabbit_networking:connections())'));
