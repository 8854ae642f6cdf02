/** Errors shaped as the AWS SDK throws them, for the EC2 adapter's unit tests. */
import { EC2ServiceException } from '@aws-sdk/client-ec2';

/** An error as the SDK throws it for an EC2 error answer. */
export function serviceError(code: string, status: number, message = `${code} happened`): EC2ServiceException {
  return new EC2ServiceException({ name: code, message, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status } });
}

/** An error as node's HTTP stack throws it when EC2 cannot be reached. */
export function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code, $metadata: { attempts: 1 } });
}
