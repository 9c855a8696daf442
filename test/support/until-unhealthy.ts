import { eventually } from '@warren/core/testing';

/** What a broker offers its health check: AmqpBroker's checkHealth and nodes. */
interface HealthChecked {
  checkHealth(): Promise<unknown>;
  nodes(): readonly { healthy?: boolean }[];
}

/**
 * Waits until the broker's own health check reports its (first) node unhealthy, as under a
 * memory alarm: RabbitMQ says a connection is blocked only once it publishes, and the check pokes it.
 */
export function untilUnhealthy(broker: HealthChecked): Promise<unknown> {
  return eventually(
    async () => {
      await broker.checkHealth();
      return broker.nodes()[0]!.healthy === false;
    },
    20_000,
    100,
  );
}
