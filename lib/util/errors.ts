/**
 * A user-facing error: bad input, a missing file, an unknown option. Its message is ONE line
 * that names the thing at fault and the fix; the CLI prints it as `dive: <message>` and exits 2.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' '));
    this.name = 'UserError';
  }
}
