import type { Cidr } from '../../../core/ip/index.ts';
import { parseCidr } from '../../../core/ip/index.ts';
import { invalidParameterValue } from '../errors.ts';
import type { Vpc } from './state.ts';

/** The CIDR blocks of the VPC currently associated (the primary first). */
export function vpcCidrs(vpc: Vpc): string[] {
  return vpc.cidrBlocks.filter((block) => block.state === 'associated').map((block) => block.cidrBlock);
}

/**
 * Parses a CIDR request parameter. Text that is not a CIDR block, or has host bits set, is
 * `InvalidParameterValue` ("This is not a valid CIDR block.") naming `parameter`, as AWS does.
 */
export function parseCidrParameter(parameter: string, text: string): Cidr {
  try {
    return parseCidr(text);
  } catch {
    throw invalidParameterValue(parameter, text, 'This is not a valid CIDR block.');
  }
}
