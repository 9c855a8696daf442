import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'test/**/*.test.ts',
      'stacks/**/*.test.ts',
      'bench/lib/**/*.test.ts',
    ],
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 30_000,
    // Hooks that boot extra RabbitMQ nodes may first wait for another file's boot (rabbit-boot.ts).
    hookTimeout: 180_000,
    // Most files wait on brokers, not on the CPU: run more files at once than this 2-core box's
    // default (cores - 1), each on its own ports and queue names.
    maxWorkers: 4,
  },
});
