/**
 * Control characters as visible escapes (`\x1b`, `\n`). What the CLI prints of a job (its error,
 * a dead letter's reason) is the task's text, often quoting its input: printed raw, an escape
 * sequence in it could clear or rewrite the operator's terminal, and a newline broke a table or
 * a one-line listing.
 */
export const visibleControls = (v: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  v.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
