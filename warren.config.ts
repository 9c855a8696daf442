import { defineConfig } from '@warren/core';
import { celeryQueues, celeryTasks, celeryWorkerQueues } from './examples/celery-tasks';
import { exampleTasks } from './examples/tasks';

/** The config `npm start` runs: the example tasks on the default queue, plus Celery interop queues. */
export default defineConfig({
  tasks: [...exampleTasks, ...celeryTasks],
  queues: celeryQueues,
  worker: { queues: [...new Set([...exampleTasks.map((t) => t.queue), ...celeryWorkerQueues])] },
});
