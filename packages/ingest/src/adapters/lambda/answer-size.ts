import { PROBLEM_CONTENT_TYPE, type Problem } from '@warren/core';

/**
 * The most a buffered Lambda invocation may return (a Function URL's default mode, API Gateway,
 * ALB: the Invoke API's 6 MB), counted as the answer's JSON; Lambda's own error names the figure.
 */
export const LAMBDA_MAX_ANSWER_BYTES = 6_291_556;
/** JSON writes one character of a string as at most 6 bytes (`\u001f`); kept for the rest of the answer. */
const MAX_BYTES_PER_CHAR = 6;
const OTHER_FIELDS_BYTES = 64 * 1024;

/** What hono/aws-lambda returns, of every event kind. */
interface LambdaAnswer {
  statusCode: number;
  body: string;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | string[]>;
  multiValueHeaders?: Record<string, string[]>;
  statusDescription?: string;
}

const utf8 = new TextEncoder();

/**
 * The answer, or a 500 problem in its place when Lambda would refuse it for its size. Over the
 * limit, the invocation fails and the caller gets a bare 502 (which the SDK retries until its
 * deadline): a job whose result is a few MB succeeded, yet its GET failed with nothing saying why.
 * Only the job record grows with what a task returns; every other answer is small.
 */
export function withinLambdaAnswerLimit<A extends LambdaAnswer>(answer: A, path: string): A {
  if (answer.body.length * MAX_BYTES_PER_CHAR + OTHER_FIELDS_BYTES <= LAMBDA_MAX_ANSWER_BYTES) return answer;
  const bytes = utf8.encode(JSON.stringify(answer)).byteLength;
  if (bytes <= LAMBDA_MAX_ANSWER_BYTES) return answer;
  const problem: Problem = {
    type: 'https://warren.dev/problems/response-too-large',
    title: 'response too large',
    status: 500,
    detail: `${whatOf(answer, path)} is ${bytes} bytes as a Lambda answer, over the ${LAMBDA_MAX_ANSWER_BYTES} bytes Lambda returns: read it without this ingest (@warren/sdk/direct's get, or the result store), or have the task return less (a reference to where it put the data)`,
    instance: path,
  };
  const out: A = { ...answer, statusCode: 500, body: JSON.stringify(problem), isBase64Encoded: false };
  if (out.statusDescription !== undefined) out.statusDescription = '500 Internal Server Error';
  if (out.headers) out.headers = { ...out.headers, 'content-type': PROBLEM_CONTENT_TYPE };
  if (out.multiValueHeaders)
    out.multiValueHeaders = { ...out.multiValueHeaders, 'content-type': [PROBLEM_CONTENT_TYPE] };
  for (const h of [out.headers, out.multiValueHeaders]) {
    if (!h) continue;
    delete h['content-length'];
    delete h['content-encoding'];
  }
  return out;
}

/** "job <id> is <state>: its record" for a job record (its first fields), else "the answer to <path>". */
function whatOf(answer: LambdaAnswer, path: string): string {
  if (answer.isBase64Encoded) return `the answer to ${path}`;
  const head = answer.body.slice(0, 2048);
  const id = /^\{"id":"([0-9A-Za-z-]{1,64})"/.exec(head)?.[1];
  const state = /"state":"([a-z]{1,20})"/.exec(head)?.[1];
  return id && state ? `job ${id} is ${state}, but its record` : `the answer to ${path}`;
}
