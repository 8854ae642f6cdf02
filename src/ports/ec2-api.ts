/**
 * The EC2 API as the node daemon uses it: exactly the actions of the Amazon VPC CNI's ipamd, in the
 * daemon's own vocabulary. Implementations throw `Ec2Error` (src/core/aws/ec2-error.ts).
 */

/** One ENI as EC2 describes it. */
export interface Ec2NetworkInterface {
  readonly networkInterfaceId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly macAddress: string;
  readonly description: string;
  /** `available` or `in-use`. */
  readonly status: string;
  /** `interface`, `trunk`, `branch`, `efa`, ... */
  readonly interfaceType: string;
  /** Primary first. */
  readonly privateIps: readonly { readonly address: string; readonly primary: boolean }[];
  /** /28 prefixes, e.g. `192.168.3.16/28`. */
  readonly ipv4Prefixes: readonly string[];
  readonly groupIds: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly attachment?: {
    readonly attachmentId: string;
    readonly instanceId: string;
    readonly deviceIndex: number;
    readonly networkCardIndex: number;
    readonly status: string;
    readonly deleteOnTermination: boolean;
  };
}

/** The node's own instance, with its attached ENIs. */
export interface Ec2Instance {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly privateIpAddress: string;
  readonly networkInterfaces: readonly Ec2NetworkInterface[];
}

export interface Ec2Subnet {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly cidrBlock: string;
  readonly availableIpAddressCount: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** Limits of an instance type as DescribeInstanceTypes reports them. */
export interface Ec2InstanceTypeLimits {
  readonly instanceType: string;
  readonly eniLimit: number;
  readonly ipv4Limit: number;
  readonly hypervisor: string;
  readonly bareMetal: boolean;
}

/** CreateNetworkInterface as ipamd calls it: secondary IPs or prefixes, never both. */
export interface CreateEniRequest {
  readonly subnetId: string;
  readonly description: string;
  readonly groupIds: readonly string[];
  readonly secondaryIpCount?: number;
  readonly prefixCount?: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** What an AssignPrivateIpAddresses call added. */
export interface AssignedAddresses {
  readonly addresses: readonly string[];
  readonly prefixes: readonly string[];
}

export interface Ec2Api {
  /** DescribeInstances for one instance id. */
  describeInstance(instanceId: string): Promise<Ec2Instance>;
  /** DescribeNetworkInterfaces by id; ids EC2 does not know are returned in `missing` (not thrown). */
  describeNetworkInterfaces(ids: readonly string[]): Promise<{ found: Ec2NetworkInterface[]; missing: string[] }>;
  /** DescribeNetworkInterfaces by filters (`tag-key`, `status`, `vpc-id`, `tag:<k>` ...), every page. */
  findNetworkInterfaces(filters: Readonly<Record<string, readonly string[]>>): Promise<Ec2NetworkInterface[]>;
  createNetworkInterface(request: CreateEniRequest): Promise<Ec2NetworkInterface>;
  /** AttachNetworkInterface; returns the attachment id. */
  attachNetworkInterface(request: { networkInterfaceId: string; instanceId: string; deviceIndex: number; networkCardIndex: number }): Promise<string>;
  /** ModifyNetworkInterfaceAttribute Attachment.DeleteOnTermination=true. */
  setDeleteOnTermination(networkInterfaceId: string, attachmentId: string): Promise<void>;
  /** ModifyNetworkInterfaceAttribute Groups. */
  setSecurityGroups(networkInterfaceId: string, groupIds: readonly string[]): Promise<void>;
  detachNetworkInterface(attachmentId: string): Promise<void>;
  /** DeleteNetworkInterface; an ENI that is already gone counts as deleted. */
  deleteNetworkInterface(networkInterfaceId: string): Promise<void>;
  /** AssignPrivateIpAddresses with SecondaryPrivateIpAddressCount or Ipv4PrefixCount. */
  assignPrivateIps(networkInterfaceId: string, request: { count: number } | { prefixCount: number }): Promise<AssignedAddresses>;
  /** UnassignPrivateIpAddresses of addresses or prefixes. */
  unassignPrivateIps(networkInterfaceId: string, request: { addresses: readonly string[] } | { prefixes: readonly string[] }): Promise<void>;
  createTags(resourceIds: readonly string[], tags: Readonly<Record<string, string>>): Promise<void>;
  describeSubnets(filters: Readonly<Record<string, readonly string[]>>): Promise<Ec2Subnet[]>;
  /** DescribeInstanceTypes for one type; undefined when EC2 does not know it. */
  describeInstanceType(instanceType: string): Promise<Ec2InstanceTypeLimits | undefined>;
}
