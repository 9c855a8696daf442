import {
  InvalidMessageContents,
  KmsThrottled,
  QueueDoesNotExist,
  RequestThrottled,
  SQSServiceException,
} from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { sqsErrorKind } from './sqs-error';

const meta = (httpStatusCode?: number) => ({ $metadata: { httpStatusCode } });
const generic = (name: string, status?: number) =>
  new SQSServiceException({ name, $fault: 'client', message: name, ...meta(status) });

describe('sqsErrorKind', () => {
  it('throttling, 5xx and no answer are transient', () => {
    expect(sqsErrorKind(new RequestThrottled({ message: 'x', ...meta(400) }))).toBe('transient');
    expect(sqsErrorKind(new KmsThrottled({ message: 'x', ...meta(400) }))).toBe('transient');
    expect(sqsErrorKind(generic('InternalFailure', 500))).toBe('transient');
    expect(sqsErrorKind(new Error('socket hang up'))).toBe('transient');
  });

  it('errors about the queue or the credentials fail the link, whatever their status', () => {
    expect(sqsErrorKind(new QueueDoesNotExist({ message: 'x', ...meta(400) }))).toBe('link');
    expect(sqsErrorKind(generic('AccessDenied', 403))).toBe('link');
    expect(sqsErrorKind(generic('KmsAccessDenied', 400))).toBe('link');
    expect(sqsErrorKind(generic('SignatureDoesNotMatch', 400))).toBe('link');
    expect(sqsErrorKind(generic('UnknownOperationException', 404))).toBe('link');
  });

  it('a 400 about what the request carries is refused', () => {
    expect(sqsErrorKind(new InvalidMessageContents({ message: 'x', ...meta(400) }))).toBe('refused');
    expect(sqsErrorKind(generic('InvalidParameterValue', 400))).toBe('refused');
    expect(sqsErrorKind(generic('MissingParameter', 400))).toBe('refused');
  });
});
