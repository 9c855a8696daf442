import { resultStoreContract } from '@warren/core/testing';
import { createRedisResultStore } from './create-redis-result-store';

const prefix = `warren-test-${process.pid}-${Date.now().toString(36)}:`;

resultStoreContract('redis over TCP (ioredis)', async () =>
  createRedisResultStore({ redis: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix }),
);
