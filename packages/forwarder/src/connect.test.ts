import { describe, expect, it } from 'vitest';
import { HEARTBEAT_S, withHeartbeat } from './connect';

describe('withHeartbeat', () => {
  const u = 'amqp://u:p@h:5672/vh';
  it('asks for the default heartbeat when the URL sets none', () => {
    expect(withHeartbeat(u)).toBe(`${u}?heartbeat=${HEARTBEAT_S}`);
    expect(withHeartbeat(`${u}?frameMax=8192`)).toBe(`${u}?frameMax=8192&heartbeat=${HEARTBEAT_S}`);
  });
  it("keeps the URL's own heartbeat when there is no cap", () => {
    expect(withHeartbeat(`${u}?heartbeat=60`)).toBe(`${u}?heartbeat=60`);
    expect(withHeartbeat(`${u}?heartbeat=0`)).toBe(`${u}?heartbeat=0`);
  });
  it('lowers a longer heartbeat, or none (0), to the cap; keeps a shorter one', () => {
    expect(withHeartbeat(`${u}?heartbeat=60&frameMax=8192`, 5)).toBe(`${u}?heartbeat=5&frameMax=8192`);
    expect(withHeartbeat(`${u}?frameMax=8192&heartbeat=0`, 5)).toBe(`${u}?frameMax=8192&heartbeat=5`);
    expect(withHeartbeat(`${u}?heartbeat=2`, 5)).toBe(`${u}?heartbeat=2`);
    expect(withHeartbeat(`${u}?heartbeat=`, 5)).toBe(`${u}?heartbeat=5`);
  });
});
