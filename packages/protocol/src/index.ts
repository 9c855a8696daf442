export * from './enqueue';
export * from './envelope';
export * from './errors';
export * from './job-record';
export * from './names';
export * from './problem';
export * from './states';
export * from './trace-parent';
