export { createWorker, type Worker, type WorkerOptions } from './long-running/create-worker';
