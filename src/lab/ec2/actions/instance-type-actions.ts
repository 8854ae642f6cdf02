import type { ActionContext, ActionTable, XmlObject } from '../action.ts';
import { Ec2ApiError } from '../errors.ts';
import { matchesFilters } from '../model/filters.ts';
import type { InstanceTypeSpec } from '../model/instance-types.ts';
import { allInstanceTypes, instanceTypeSpec, totalNetworkInterfaces } from '../model/instance-types.ts';
import { paginate } from '../model/paginate.ts';
import { unknownFilter } from '../model/tags.ts';

/** DescribeInstanceTypes pages hold 5..100 types; without MaxResults EC2 still pages by 100. */
const PAGE_BOUNDS = { min: 5, max: 100 };

/** Xen families with ENA (approximate; only feeds `enaSupport`). */
const XEN_WITH_ENA = new Set(['f1', 'g3', 'g3s', 'h1', 'i3', 'p2', 'p3', 'r4', 'x1', 'x1e']);

function enaSupport(spec: InstanceTypeSpec): string {
  if (spec.hypervisor !== 'xen') return 'required';
  return XEN_WITH_ENA.has(spec.instanceType.split('.')[0] ?? '') ? 'supported' : 'unsupported';
}

/** One `instanceTypeSet` item, with the network fields the VPC CNI and max-pods calculators read. */
function instanceTypeXml(spec: InstanceTypeSpec): XmlObject {
  return {
    instanceType: spec.instanceType,
    currentGeneration: spec.currentGeneration,
    freeTierEligible: spec.instanceType === 't2.micro' || spec.instanceType === 't3.micro',
    supportedUsageClasses: ['on-demand', 'spot'],
    supportedRootDeviceTypes: ['ebs'],
    supportedVirtualizationTypes: ['hvm'],
    bareMetal: spec.bareMetal,
    hypervisor: spec.hypervisor === 'unknown' ? undefined : spec.hypervisor,
    processorInfo: { supportedArchitectures: [spec.architecture] },
    vCpuInfo: spec.vcpus === undefined ? undefined : { defaultVCpus: spec.vcpus },
    memoryInfo: spec.memoryMiB === undefined ? undefined : { sizeInMiB: spec.memoryMiB },
    networkInfo: {
      maximumNetworkInterfaces: totalNetworkInterfaces(spec),
      maximumNetworkCards: spec.networkCards.length,
      defaultNetworkCardIndex: spec.defaultNetworkCardIndex,
      networkCards: spec.networkCards.map((card) => ({
        networkCardIndex: card.networkCardIndex,
        maximumNetworkInterfaces: card.maximumNetworkInterfaces,
      })),
      ipv4AddressesPerInterface: spec.ipv4Limit,
      ipv6AddressesPerInterface: spec.ipv4Limit,
      ipv6Supported: spec.currentGeneration,
      enaSupport: enaSupport(spec),
      efaSupported: false,
      encryptionInTransitSupported: false,
    },
  };
}

function typeFilterValues(spec: InstanceTypeSpec, name: string): readonly string[] | undefined {
  switch (name) {
    case 'instance-type':
      return [spec.instanceType];
    case 'hypervisor':
      return spec.hypervisor === 'unknown' ? [] : [spec.hypervisor];
    case 'bare-metal':
      return [String(spec.bareMetal)];
    case 'current-generation':
      return [String(spec.currentGeneration)];
    case 'processor-info.supported-architecture':
      return [spec.architecture];
    case 'vcpu-info.default-vcpus':
      return spec.vcpus === undefined ? [] : [String(spec.vcpus)];
    case 'memory-info.size-in-mib':
      return spec.memoryMiB === undefined ? [] : [String(spec.memoryMiB)];
    case 'network-info.maximum-network-interfaces':
      return [String(totalNetworkInterfaces(spec))];
    case 'network-info.ipv4-addresses-per-interface':
      return [String(spec.ipv4Limit)];
    case 'network-info.ena-support':
      return [enaSupport(spec)];
    default:
      return undefined;
  }
}

/**
 * DescribeInstanceTypes: `InstanceType.N` (unknown → `InvalidInstanceType`), `Filter.N` (instance-type,
 * hypervisor, bare-metal, current-generation, ...), `MaxResults` (5..100), `NextToken`.
 */
function describeInstanceTypesAction({ params }: ActionContext): XmlObject {
  const requested = params.list('InstanceType');
  const unknown = requested.filter((type) => instanceTypeSpec(type) === undefined);
  if (unknown.length > 0) {
    throw new Ec2ApiError('InvalidInstanceType', `The following supplied instance types do not exist: [${unknown.join(', ')}]`);
  }
  const wanted = new Set(requested);
  const filters = params.filters();
  const specs = allInstanceTypes().filter(
    (spec) => (wanted.size === 0 || wanted.has(spec.instanceType)) && matchesFilters(spec, filters, typeFilterValues, unknownFilter),
  );
  const nextToken = params.get('NextToken');
  const maxResults = params.int('MaxResults') ?? PAGE_BOUNDS.max;
  const page = paginate(specs, { maxResults, ...(nextToken === undefined ? {} : { nextToken }) }, PAGE_BOUNDS);
  return { instanceTypeSet: page.items.map(instanceTypeXml), nextToken: page.nextToken };
}

/** The instance type actions, by name. */
export const INSTANCE_TYPE_ACTIONS: ActionTable = {
  DescribeInstanceTypes: describeInstanceTypesAction,
};
