import amqp, { type ChannelModel } from 'amqplib';
import { AMQP_URL } from './machine';

/**
 * amqplib's connect with a listener on the connection's 'error'. Without one, a connection the
 * broker closed (a queue deleted under a publish: 541 INTERNAL_ERROR on RabbitMQ 3.10) threw from
 * the event and ended the whole bench run; its pending publishes and calls reject all the same,
 * so the round fails and the runner reports it.
 */
export async function connectAmqp(url: string = AMQP_URL): Promise<ChannelModel> {
  const conn = await amqp.connect(url);
  conn.on('error', () => {});
  return conn;
}
