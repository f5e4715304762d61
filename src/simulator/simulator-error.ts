/** A bad request to the simulator's control surface (unknown tenant, user, group…), with the HTTP status the control API answers. */
export class SimulatorError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
    this.name = 'SimulatorError';
  }
}

export function notFound(kind: string, ref: string): SimulatorError {
  return new SimulatorError(`${kind} '${ref}' not found`, 404);
}
