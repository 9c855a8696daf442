import { describe, expect, it } from 'vitest';
import { refuseCommand } from './allow-list';
import { encodeReply, parseCommand } from './encode-reply';

describe('REST endpoint reply encoding and allow-list', () => {
  it('encodes RESP2 replies plain or base64, recursively', () => {
    const reply = [Buffer.from('a'), 5, null, [Buffer.from([0xff, 0x00])]];
    expect(encodeReply(reply, true)).toEqual(['YQ==', 5, null, ['/wA=']]);
    expect(encodeReply([Buffer.from('é'), 0], false)).toEqual(['é', 0]);
    expect(encodeReply(undefined, true)).toBeNull();
  });

  it('parses commands and refuses what is not on the allow-list', () => {
    expect(parseCommand(['SET', 'k', 1, true])).toEqual({ cmd: ['SET', 'k', 1, 'true'] });
    expect(parseCommand([])).toEqual({ error: 'ERR failed to parse command' });
    expect(parseCommand(['set', { a: 1 }])).toEqual({ error: 'ERR failed to parse command' });
    expect(refuseCommand(['HGETALL', 'k'])).toBeUndefined();
    expect(refuseCommand(['script', 'LOAD', 'return 1'])).toBeUndefined();
    expect(refuseCommand(['script', 'flush'])).toBe("ERR unknown or unsupported command 'script flush'");
    expect(refuseCommand(['subscribe', 'c'])).toBe("ERR unknown or unsupported command 'subscribe'");
  });
});
