export { WaitTimeoutError, WarrenHttpError } from '../http/errors';
export { createDirectClient, type DirectClient } from './direct-client';
