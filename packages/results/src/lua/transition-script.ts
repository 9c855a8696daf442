import { TERMINAL_STATES, TRANSITIONS } from '@warren/core';
import { perKeyLoop } from './per-key-loop';

/** Lua table literal built from the protocol's tables, so the script cannot drift from them. */
const legalTable = Object.entries(TRANSITIONS)
  .map(([from, tos]) => `['${from}'] = {${tos.map((t) => `['${t}'] = true`).join(', ')}}`)
  .join(',\n  ');
const terminalTable = [...TERMINAL_STATES].map((s) => `['${s}'] = true`).join(', ');

/**
 * The job state machine in Lua: a line-for-line mirror of `applyTransition`
 * (packages/core/src/state/apply-transition.ts). Time comes from the Redis server (`TIME`), so
 * leases are judged by one clock whatever the workers' clocks say.
 *
 * Batched: one call applies a transition to each of KEYS in order (the store coalesces the
 * transitions issued in one event-loop turn), so a burst of deliveries costs one round trip,
 * one script start and one clock read instead of one each.
 *
 * KEYS: job hashes. ARGV: one JSON array of strings per key (record-codec's encodeSegment): to,
 * ttlS, owner ('' = none), leaseMs, done channel, nCreate, wantRecord ('1'/'0'), nUpdate,
 * renew ('1': a renewal of the owner's own run, never a start; '0'), the idempotency key prefix
 * ('' = none), the job id (see followKey), nextAttempt ('' = none: see markNext), unlessLeased ('1': an
 * end without a run, refused only by another owner's live lease; '0'), ifExists ('1': refused
 * 'missing' when there is no record; '0'), then nCreate field/value
 * pairs used only when the record does not exist yet, then nUpdate field/value pairs always written.
 * Reply: one entry per key: {'ok', from or '', field, value, ...} (the whole hash only when
 * wantRecord is '1'), {'refused', reason, state or '', leaseRemainingMs?} or {'error', message}.
 */
export const TRANSITION_LUA = `
local LEGAL = {
  ${legalTable}
}
local TERMINAL = {${terminalTable}}

local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

-- ISO-8601 with milliseconds, like Date.prototype.toISOString (civil-from-days, H. Hinnant).
local function iso(ms)
  local s = math.floor(ms / 1000)
  local days = math.floor(s / 86400)
  local sod = s - days * 86400
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', y, m, d,
    math.floor(sod / 3600), math.floor((sod % 3600) / 60), sod % 60, ms - s * 1000)
end
local now = iso(nowMs)

-- The job's idempotency key, when it still names the job (its id, or the producer's
-- 'unconfirmed:<id>[:<fingerprint>]' mark: core's state/key-names.ts, the memory store's rule),
-- follows its record: a finished job's lives no longer than the record, so a key without a
-- record always means a job that may still come; a job still on its way keeps its key as long
-- as its record (a retry a day away lengthens both), or a request under the key enqueued a
-- second job beside it. The key is not in KEYS (its name is in the record): as the batch's job
-- keys, it assumes one Redis node, not a cluster.
local function followKey(key, idemPrefix, id, ttl, finished)
  if idemPrefix == '' then return end
  local name = redis.call('HGET', key, 'idempotencyKey')
  if not name then return end
  local ik = idemPrefix .. name
  local val = redis.pcall('GET', ik)
  if type(val) ~= 'string' then return end
  local mark = 'unconfirmed:' .. id
  if val ~= id and val ~= mark and string.sub(val, 1, #mark + 1) ~= mark .. ':' then return end
  local left = redis.call('TTL', ik)
  if finished then
    if left == -1 or left > ttl then redis.call('EXPIRE', ik, ttl) end
  elseif left >= 0 and left < ttl then
    redis.call('EXPIRE', ik, ttl)
  end
end

local function okReply(key, from, wantRecord)
  if not wantRecord then return {'ok', from or ''} end
  local reply = redis.call('HGETALL', key)
  table.insert(reply, 1, from or '')
  table.insert(reply, 1, 'ok')
  return reply
end

-- The retry copy of the job's last attempt was confirmed: kept on the record retrying after that
-- attempt, not a move (applyTransition's markNextAttempt).
local function markNext(key, from, to, nextAttempt, ttl, wantRecord, idemPrefix, id)
  local attempts = tonumber(redis.call('HGET', key, 'attempts')) or 0
  if to ~= 'retrying' or from ~= 'retrying' or attempts ~= tonumber(nextAttempt) - 1 then
    return {'refused', 'not-owner', from or ''}
  end
  redis.call('HSET', key, 'nextAttempt', nextAttempt)
  redis.call('EXPIRE', key, ttl)
  followKey(key, idemPrefix, id, tonumber(ttl), false)
  return okReply(key, from, wantRecord)
end

-- One key's transition; its arguments are the JSON array in arg.
local function transition(key, arg)
  local v = cjson.decode(arg)
  local to, ttl, owner, leaseMs, channel = v[1], v[2], v[3], tonumber(v[4]), v[5]
  local nCreate, wantRecord, nUpdate = tonumber(v[6]), v[7] == '1', tonumber(v[8])
  local renew = v[9] == '1'
  local idemPrefix, id, nextAttempt = v[10], v[11], v[12]
  local unrun = v[13] == '1' and to ~= 'running'
  local ifExists = v[14] == '1'
  local createAt = 15
  local updateAt = createAt + 2 * nCreate

  local from = redis.call('HGET', key, 'state')
  if not from then from = nil end
  if from and TERMINAL[from] then return {'refused', 'already-finished', from} end
  if not from and ifExists then return {'refused', 'missing', ''} end
  if nextAttempt ~= '' then return markNext(key, from, to, nextAttempt, ttl, wantRecord, idemPrefix, id) end
  local legal = LEGAL[from or 'none']
  if not legal or not legal[to] then return {'refused', 'illegal', from or ''} end

  -- A copy of an earlier attempt once a later one has started or its retry copy was confirmed
  -- (applyTransition says why). 'attempts' is the first update field when the patch has it
  -- (record-codec's UPDATE_FIELDS).
  if to == 'running' and not renew and from and nUpdate > 0 and v[updateAt] == 'attempts' then
    local attempt = tonumber(v[updateAt + 1]) or 0
    if attempt > 0 then
      local seen = redis.call('HMGET', key, 'attempts', 'nextAttempt')
      if math.max(tonumber(seen[1]) or 0, tonumber(seen[2]) or 0) > attempt then
        return {'refused', 'not-owner', from}
      end
    end
  end

  local curOwner = nil
  if from == 'running' then
    curOwner = redis.call('HGET', key, 'owner')
    if not curOwner or curOwner == '' then curOwner = nil end
  end
  if to == 'running' and renew and (from ~= 'running' or owner ~= (curOwner or '')) then
    return {'refused', 'not-owner', from or ''}
  end
  if curOwner then
    local left = (tonumber(redis.call('HGET', key, 'leaseUntil')) or 0) - nowMs
    if (to == 'running' or unrun) and owner ~= curOwner and left > 0 then
      return {'refused', 'lease-held', from, left}
    end
    if to ~= 'running' and not unrun and owner ~= '' and owner ~= curOwner then
      return {'refused', 'not-owner', from}
    end
  end
  if not unrun and from and from ~= 'running' and to ~= 'running' and owner ~= '' then
    return {'refused', 'not-owner', from}
  end

  local fields = {'state', to}
  if not from then
    -- First transition: defaults, then the creation fields (which may override them).
    local base = {'task', 'unknown', 'queue', 'default', 'attempts', '0', 'enqueuedAt', now}
    for i = 1, #base do fields[#fields + 1] = base[i] end
    for i = createAt, updateAt - 1 do fields[#fields + 1] = v[i] end
  end
  for i = updateAt, updateAt + 2 * nUpdate - 1 do fields[#fields + 1] = v[i] end

  if to == 'running' then
    local renewal = from == 'running' and owner == (curOwner or '')
    if not renewal then
      fields[#fields + 1] = 'startedAt'
      fields[#fields + 1] = now
    end
    fields[#fields + 1] = 'leaseUntil'
    fields[#fields + 1] = string.format('%d', nowMs + leaseMs)
    if owner ~= '' then
      fields[#fields + 1] = 'owner'
      fields[#fields + 1] = owner
    else
      redis.call('HDEL', key, 'owner')
    end
  elseif from == 'running' then
    redis.call('HDEL', key, 'owner', 'leaseUntil')
  end
  if TERMINAL[to] then
    fields[#fields + 1] = 'finishedAt'
    fields[#fields + 1] = now
  end
  redis.call('HSET', key, unpack(fields))
  redis.call('EXPIRE', key, ttl)
  if TERMINAL[to] then redis.call('PUBLISH', channel, to) end
  followKey(key, idemPrefix, id, tonumber(ttl), TERMINAL[to])

  return okReply(key, from, wantRecord)
end
${perKeyLoop('transition')}`;
