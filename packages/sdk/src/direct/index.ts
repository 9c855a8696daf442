export { createDirectClient, type DirectClient } from './direct-client';
