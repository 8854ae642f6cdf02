/**
 * The emulated VPC's state: plain records in maps keyed by id. Operations live in sibling files and
 * mutate these records through `Ec2Model`; nothing here has behaviour.
 */

/** Tags of a resource, key to value (EC2 keys are unique per resource). */
export type Tags = Map<string, string>;

export interface VpcCidrAssociation {
  readonly associationId: string;
  readonly cidrBlock: string;
  state: 'associated' | 'disassociated';
}

export interface Vpc {
  readonly vpcId: string;
  /** The first entry is the primary CIDR block. */
  readonly cidrBlocks: VpcCidrAssociation[];
  readonly isDefault: boolean;
  readonly dhcpOptionsId: string;
  readonly tags: Tags;
}

export interface Subnet {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly cidrBlock: string;
  readonly availabilityZone: string;
  readonly availabilityZoneId: string;
  mapPublicIpOnLaunch: boolean;
  readonly tags: Tags;
}

export interface SecurityGroupRule {
  readonly ruleId: string;
  /** `-1` (all), `tcp`, `udp`, `icmp` or a protocol number. */
  readonly ipProtocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidrIpv4?: string;
  /** A rule that names another group instead of a CIDR. */
  readonly referencedGroupId?: string;
  readonly description?: string;
}

export interface SecurityGroup {
  readonly groupId: string;
  readonly groupName: string;
  readonly description: string;
  readonly vpcId: string;
  readonly ingress: SecurityGroupRule[];
  readonly egress: SecurityGroupRule[];
  readonly tags: Tags;
}

export interface Route {
  readonly destinationCidrBlock: string;
  /** `local` for the VPC's own CIDRs, else an internet gateway id. */
  readonly gatewayId: string;
  readonly origin: 'CreateRouteTable' | 'CreateRoute';
}

export interface RouteTableAssociation {
  readonly associationId: string;
  /** Undefined for the main association. */
  readonly subnetId?: string;
  readonly main: boolean;
}

export interface RouteTable {
  readonly routeTableId: string;
  readonly vpcId: string;
  readonly routes: Route[];
  readonly associations: RouteTableAssociation[];
  readonly tags: Tags;
}

export interface InternetGateway {
  readonly internetGatewayId: string;
  /** The attached VPC, if any (an IGW attaches to at most one VPC). */
  vpcId?: string;
  readonly tags: Tags;
}

export interface EniAttachment {
  readonly attachmentId: string;
  readonly instanceId: string;
  readonly deviceIndex: number;
  readonly networkCardIndex: number;
  status: 'attaching' | 'attached' | 'detaching' | 'detached';
  /** Milliseconds since the epoch, from the model clock. */
  readonly attachTime: number;
  deleteOnTermination: boolean;
}

export interface EniPrivateIp {
  readonly address: string;
  readonly primary: boolean;
}

export type InterfaceType = 'interface' | 'trunk' | 'branch';

export interface NetworkInterface {
  readonly networkInterfaceId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly macAddress: string;
  description: string;
  /** The primary address is first and always present. */
  readonly privateIps: EniPrivateIp[];
  /** /28 IPv4 prefixes, e.g. `192.168.10.48/28`. */
  readonly ipv4Prefixes: string[];
  groupIds: string[];
  sourceDestCheck: boolean;
  readonly interfaceType: InterfaceType;
  attachment?: EniAttachment;
  readonly tags: Tags;
}

export interface Instance {
  readonly instanceId: string;
  readonly instanceType: string;
  readonly imageId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly reservationId: string;
  readonly launchTime: number;
  state: 'pending' | 'running' | 'shutting-down' | 'terminated';
  /** Public IPv4 mapped 1:1 to the primary private IP, when the subnet or request asked for one. */
  readonly publicIp?: string;
  readonly primaryNetworkInterfaceId: string;
  readonly tags: Tags;
}

/** Every collection of the model. */
export interface Ec2State {
  readonly vpcs: Map<string, Vpc>;
  readonly subnets: Map<string, Subnet>;
  readonly securityGroups: Map<string, SecurityGroup>;
  readonly routeTables: Map<string, RouteTable>;
  readonly internetGateways: Map<string, InternetGateway>;
  readonly networkInterfaces: Map<string, NetworkInterface>;
  readonly instances: Map<string, Instance>;
}

/** A fresh, empty state. */
export function emptyState(): Ec2State {
  return {
    vpcs: new Map(),
    subnets: new Map(),
    securityGroups: new Map(),
    routeTables: new Map(),
    internetGateways: new Map(),
    networkInterfaces: new Map(),
    instances: new Map(),
  };
}
