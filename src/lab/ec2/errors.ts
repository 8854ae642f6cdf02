/**
 * An error the emulated EC2 API returns to its caller, rendered as the EC2 Query protocol's
 * `<Response><Errors><Error>` document with the HTTP status AWS uses for that code.
 */
export class Ec2ApiError extends Error {
  readonly code: string;
  readonly httpStatus: number;

  constructor(code: string, message: string, httpStatus = 400) {
    super(message);
    this.name = 'Ec2ApiError';
    this.code = code;
    this.httpStatus = httpStatus;
  }
}

/** A required request parameter is absent. */
export function missingParameter(name: string): Ec2ApiError {
  return new Ec2ApiError('MissingParameter', `The request must contain the parameter ${name}`);
}

/** A request parameter has a value AWS would reject. */
export function invalidParameterValue(name: string, value: string, why: string): Ec2ApiError {
  return new Ec2ApiError('InvalidParameterValue', `Value (${value}) for parameter ${name} is invalid. ${why}`);
}

/** A resource id that does not exist, e.g. `InvalidNetworkInterfaceID.NotFound`. */
export function notFound(code: string, kind: string, id: string): Ec2ApiError {
  return new Ec2ApiError(code, `The ${kind} ID '${id}' does not exist`);
}
