import { defineConfig } from '@warren/core';
import { exampleTasks } from './examples/tasks';

/** The config `npm start` runs: the example tasks on the default queue. */
export default defineConfig({
  tasks: exampleTasks,
});
