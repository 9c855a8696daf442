import { describe, expect, it } from 'vitest';
import { revokeMessage } from './celery-revoke';
import { parseRevoke } from './revoke-listener';

const msg = (body: unknown) => Buffer.from(JSON.stringify(body));

describe('parseRevoke', () => {
  it("reads the ids and terminate of Celery's revoke broadcast (one id or a list)", () => {
    expect(parseRevoke(revokeMessage('a').content)).toEqual({ taskIds: ['a'], terminate: false });
    const both = { ...revokeMessage(['a', 'b']).body, arguments: { task_id: ['a', 'b'], terminate: true } };
    expect(parseRevoke(msg(both))).toEqual({ taskIds: ['a', 'b'], terminate: true });
  });

  it('ignores other commands, revokes addressed to named workers, and what is not JSON', () => {
    const revoke = revokeMessage('a').body;
    expect(parseRevoke(msg({ ...revoke, method: 'ping' }))).toBeUndefined();
    expect(parseRevoke(msg({ ...revoke, destination: ['celery@host'] }))).toBeUndefined();
    expect(parseRevoke(msg({ ...revoke, arguments: { task_id: [] } }))).toBeUndefined();
    expect(parseRevoke(Buffer.from('not json'))).toBeUndefined();
  });
});
