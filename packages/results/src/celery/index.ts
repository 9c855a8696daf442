export {
  buildCeleryMeta,
  CELERY_KEY_PREFIX,
  CELERY_RESULT_EXPIRES_S,
  type CeleryException,
  type CeleryMeta,
  type CeleryStatus,
  celeryStatusFor,
  mergeCeleryMeta,
  parseCeleryMeta,
  toCeleryException,
} from './celery-meta';
export {
  type CeleryMetaRedis,
  ioredisCeleryMeta,
  STORE_META_LUA,
  upstashCeleryMeta,
} from './celery-meta-redis';
export { type CeleryRefusal, celeryRefusalSink, REFUSED_EXC_TYPE, refusalMeta } from './celery-refusal';
export { type CeleryResultStore, type CeleryResultsOptions, withCeleryResults } from './celery-results';
export { withCeleryResultsFor } from './celery-results-for-config';
export { CELERY_TASK_ID_KEY_PREFIX, celeryMetaIdOf } from './celery-task-id-alias';
