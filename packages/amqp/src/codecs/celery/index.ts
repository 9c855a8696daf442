export {
  CELERY_CONTENT_ENCODING,
  CELERY_CONTENT_TYPE,
  type CeleryCodecOptions,
  type CeleryRefusal,
  celeryCodec,
  createCeleryCodec,
  WARREN_HEADER,
} from './celery-codec';
export { pyIsoformat } from './celery-header-values';
export {
  CELERY_CONTROL_EXCHANGE,
  type CeleryRevoker,
  type CeleryRevokerOptions,
  createCeleryRevoker,
  type RevokeBroadcast,
  revokeMessage,
} from './celery-revoke';
export {
  CELERY_TASK_ID_KEY_PREFIX,
  CELERY_TASK_ID_NAMESPACE,
  celeryTaskIdOf,
  jobIdForCeleryTaskId,
} from './celery-task-id';
export { type CeleryCodecConfig, celeryCodecsFor } from './codecs-for-config';
export { argsToInput, type CeleryArgs, inputToArgs } from './input-mapping';
export { pyRepr, pyTupleRepr } from './py-repr';
export {
  type HeardRevoke,
  listenForCeleryRevokes,
  parseRevoke,
  type RevokeListener,
  type RevokeListenerOptions,
} from './revoke-listener';
export { celeryRevokeOnCancel } from './revoke-on-cancel';
export { cancelOnCeleryRevoke, RevokedIds, skipRevokedCeleryTasks } from './revoke-to-cancel';
