/**
 * The instance metadata service as the node daemon reads it (IMDSv2). Values are as IMDS serves them:
 * possibly behind EC2 by seconds, which is why the daemon checks EC2 before trusting a change.
 */

export interface ImdsIdentity {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly region: string;
  readonly availabilityZone: string;
  /** The primary ENI's primary private IPv4. */
  readonly privateIp: string;
  /** The primary ENI's MAC. */
  readonly primaryMac: string;
}

/** One ENI under `network/interfaces/macs/<mac>/`. */
export interface ImdsInterface {
  readonly mac: string;
  readonly interfaceId: string;
  readonly deviceNumber: number;
  /** 0 when IMDS has no `network-card` entry. */
  readonly networkCard: number;
  readonly subnetId: string;
  readonly subnetCidr: string;
  readonly vpcId: string;
  readonly vpcCidrs: readonly string[];
  readonly securityGroupIds: readonly string[];
  /** Primary first; empty when IMDS answers 404. */
  readonly localIpv4s: readonly string[];
  /** Empty when IMDS answers 404. */
  readonly ipv4Prefixes: readonly string[];
}

export interface Imds {
  identity(): Promise<ImdsIdentity>;
  interfaces(): Promise<ImdsInterface[]>;
}
