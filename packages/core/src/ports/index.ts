export type * from './consumer';
export type * from './publisher';
export type * from './result-store';
