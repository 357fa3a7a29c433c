/** Bad flags, environment or configuration: exit code 2, reported before any AWS call. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
