/**
 * What went wrong in an EC2 call, as the daemon branches on it. Adapters translate AWS error codes into
 * these kinds at the boundary and keep the original error as `cause`.
 */
export type Ec2ErrorKind =
  | 'ip-limit' // PrivateIpAddressLimitExceeded: the ENI is full
  | 'eni-limit' // AttachmentLimitExceeded: the instance has no free ENI slot
  | 'subnet-full' // InsufficientFreeAddressesInSubnet
  | 'no-cidr' // InsufficientCidrBlocks: no free, aligned /28 in the subnet
  | 'throttled' // RequestLimitExceeded (after the adapter's own retries)
  | 'not-found' // InvalidNetworkInterfaceID.NotFound, InvalidAttachmentID.NotFound, ...
  | 'unauthorized' // UnauthorizedOperation: a missing IAM permission
  | 'other';

/** An EC2 API failure with the action, AWS's code and the kind the daemon acts on. */
export class Ec2Error extends Error {
  readonly kind: Ec2ErrorKind;
  readonly action: string;
  readonly code: string;

  constructor(options: { kind: Ec2ErrorKind; action: string; code: string; message: string; cause?: unknown }) {
    super(options.message, { cause: options.cause });
    this.name = 'Ec2Error';
    this.kind = options.kind;
    this.action = options.action;
    this.code = options.code;
  }
}

const KIND_BY_CODE: Readonly<Record<string, Ec2ErrorKind>> = {
  PrivateIpAddressLimitExceeded: 'ip-limit',
  AttachmentLimitExceeded: 'eni-limit',
  InsufficientFreeAddressesInSubnet: 'subnet-full',
  InsufficientCidrBlocks: 'no-cidr',
  RequestLimitExceeded: 'throttled',
  Throttling: 'throttled',
  UnauthorizedOperation: 'unauthorized',
};

/** The kind for an AWS error code (`*.NotFound` codes are `not-found`). */
export function ec2ErrorKindOf(code: string): Ec2ErrorKind {
  return KIND_BY_CODE[code] ?? (code.endsWith('.NotFound') ? 'not-found' : 'other');
}
