import type { Filter, Tag, TagSpecification } from '../action.ts';
import { Ec2ApiError, invalidParameterValue } from '../errors.ts';
import { matchesFilters } from './filters.ts';
import type { Ec2Model, ModelEvent } from './model.ts';
import type { Tags } from './state.ts';

/** AWS allows at most this many tags on one resource. */
export const MAX_TAGS_PER_RESOURCE = 50;
const MAX_KEY_LENGTH = 128;
const MAX_VALUE_LENGTH = 256;

/** The resource types the emulator can tag, as DescribeTags reports them. */
export type TaggableType =
  | 'vpc'
  | 'subnet'
  | 'security-group'
  | 'route-table'
  | 'internet-gateway'
  | 'network-interface'
  | 'instance';

/** One row of DescribeTags. */
export interface TagDescription {
  readonly resourceId: string;
  readonly resourceType: TaggableType;
  readonly key: string;
  readonly value: string;
}

/** A resource that carries tags, found by id. */
export interface TaggedResource {
  readonly resourceType: TaggableType;
  readonly tags: Tags;
}

interface TaggableKind {
  readonly prefix: string;
  readonly type: TaggableType;
  readonly notFound: (id: string) => Ec2ApiError;
  readonly collection: (model: Ec2Model) => ReadonlyMap<string, { readonly tags: Tags }>;
  readonly event: (id: string) => ModelEvent;
}

const KINDS: readonly TaggableKind[] = [
  kind('vpc-', 'vpc', (m) => m.state.vpcs, (id) => ({ type: 'vpc-changed', vpcId: id })),
  kind('subnet-', 'subnet', (m) => m.state.subnets, (id) => ({ type: 'subnet-changed', subnetId: id })),
  kind('sg-', 'security-group', (m) => m.state.securityGroups, (id) => ({ type: 'security-group-changed', groupId: id })),
  kind('rtb-', 'route-table', (m) => m.state.routeTables, (id) => ({ type: 'route-table-changed', routeTableId: id })),
  kind('igw-', 'internet-gateway', (m) => m.state.internetGateways, (id) => ({ type: 'internet-gateway-changed', internetGatewayId: id })),
  kind('eni-', 'network-interface', (m) => m.state.networkInterfaces, (id) => ({ type: 'eni-changed', networkInterfaceId: id })),
  kind('i-', 'instance', (m) => m.state.instances, (id) => ({ type: 'instance-changed', instanceId: id })),
];

function kind(
  prefix: string,
  type: TaggableType,
  collection: TaggableKind['collection'],
  event: TaggableKind['event'],
): TaggableKind {
  return { prefix, type, collection, event, notFound: (id) => resourceNotFound(type, id) };
}

const NOT_FOUND: Readonly<Record<TaggableType, { code: string; text: (id: string) => string }>> = {
  vpc: { code: 'InvalidVpcID.NotFound', text: (id) => `The vpc ID '${id}' does not exist` },
  subnet: { code: 'InvalidSubnetID.NotFound', text: (id) => `The subnet ID '${id}' does not exist` },
  'security-group': { code: 'InvalidGroup.NotFound', text: (id) => `The security group '${id}' does not exist` },
  'route-table': { code: 'InvalidRouteTableID.NotFound', text: (id) => `The routeTable ID '${id}' does not exist` },
  'internet-gateway': { code: 'InvalidInternetGatewayID.NotFound', text: (id) => `The internetGateway ID '${id}' does not exist` },
  'network-interface': { code: 'InvalidNetworkInterfaceID.NotFound', text: (id) => `The networkInterface ID '${id}' does not exist` },
  instance: { code: 'InvalidInstanceID.NotFound', text: (id) => `The instance ID '${id}' does not exist` },
};

/** The NotFound error AWS returns for an unknown id of this resource type. */
export function resourceNotFound(type: TaggableType, id: string): Ec2ApiError {
  const entry = NOT_FOUND[type];
  return new Ec2ApiError(entry.code, entry.text(id));
}

/** The `InvalidParameterValue` AWS returns for a filter name the action does not know. */
export function unknownFilter(name: string): never {
  throw new Ec2ApiError('InvalidParameterValue', `The filter '${name}' is invalid`);
}

/** The resource with this id and its tags; the resource's NotFound code, or `InvalidID`, otherwise. */
export function taggedResource(model: Ec2Model, resourceId: string): TaggedResource {
  const found = KINDS.find((k) => resourceId.startsWith(k.prefix));
  if (found === undefined) throw new Ec2ApiError('InvalidID', `The ID '${resourceId}' is not valid`);
  const resource = found.collection(model).get(resourceId);
  if (resource === undefined) throw found.notFound(resourceId);
  return { resourceType: found.type, tags: resource.tags };
}

/** Checks one tag as AWS does: key and value lengths, and no `aws:` prefix. */
export function validateTag(tag: Tag): void {
  if (tag.key.length === 0 || tag.key.length > MAX_KEY_LENGTH) {
    throw invalidParameterValue('key', tag.key, `Tag keys must be between 1 and ${MAX_KEY_LENGTH} characters.`);
  }
  if (tag.key.toLowerCase().startsWith('aws:')) {
    throw invalidParameterValue('key', tag.key, "Tag keys starting with 'aws:' are reserved for internal use");
  }
  if (tag.value.length > MAX_VALUE_LENGTH) {
    throw invalidParameterValue('value', tag.value, `Tag values must be at most ${MAX_VALUE_LENGTH} characters.`);
  }
}

/** Merges `tags` into `target` after validating every tag and the per-resource limit; all or nothing. */
export function mergeTags(target: Tags, tags: readonly Tag[]): void {
  for (const tag of tags) validateTag(tag);
  const merged = new Set([...target.keys(), ...tags.map((tag) => tag.key)]);
  if (merged.size > MAX_TAGS_PER_RESOURCE) {
    throw new Ec2ApiError('TagLimitExceeded', 'The maximum number of Tags for a resource has been reached.');
  }
  for (const tag of tags) target.set(tag.key, tag.value);
}

/** Throws `InvalidParameterValue` when a spec names a resource type not in `allowed`. */
export function assertTagSpecificationTypes(specs: readonly TagSpecification[], allowed: readonly string[]): void {
  for (const spec of specs) {
    if (!allowed.includes(spec.resourceType)) {
      throw new Ec2ApiError('InvalidParameterValue', `'${spec.resourceType}' is not a valid taggable resource type for this operation.`);
    }
  }
}

/** The specs of one resource type (for actions such as RunInstances that accept several types). */
export function tagSpecificationsFor(specs: readonly TagSpecification[], resourceType: string): TagSpecification[] {
  return specs.filter((spec) => spec.resourceType === resourceType);
}

/**
 * Applies the `TagSpecification.N` of a create action to the new resource's `tags` (before the resource
 * is stored, so a bad tag creates nothing). Every spec must be of `resourceType`, else
 * `InvalidParameterValue`, as AWS answers for a type the action does not create.
 */
export function applyTagSpecifications(_model: Ec2Model, resourceType: string, tags: Tags, specs: readonly TagSpecification[]): void {
  assertTagSpecificationTypes(specs, [resourceType]);
  mergeTags(tags, specs.flatMap((spec) => spec.tags));
}

/** CreateTags: adds or overwrites tags on every resource; checks every id before changing any. */
export function createTags(model: Ec2Model, request: { resourceIds: readonly string[]; tags: readonly Tag[] }): void {
  const resources = request.resourceIds.map((id) => ({ id, resource: taggedResource(model, id) }));
  for (const { resource } of resources) mergeTags(new Map(resource.tags), request.tags);
  for (const { id, resource } of resources) {
    mergeTags(resource.tags, request.tags);
    emitTagChange(model, id);
  }
}

/** One tag to delete: without `value`, the key goes whatever its value; with it, only on a match. */
export interface TagToDelete {
  readonly key: string;
  readonly value?: string;
}

/** DeleteTags: removes the given tags (every tag when `tags` is empty) from every resource. */
export function deleteTags(model: Ec2Model, request: { resourceIds: readonly string[]; tags: readonly TagToDelete[] }): void {
  const resources = request.resourceIds.map((id) => ({ id, resource: taggedResource(model, id) }));
  for (const { id, resource } of resources) {
    if (request.tags.length === 0) resource.tags.clear();
    for (const tag of request.tags) {
      if (tag.value === undefined || resource.tags.get(tag.key) === tag.value) resource.tags.delete(tag.key);
    }
    emitTagChange(model, id);
  }
}

/** DescribeTags: every tag of every resource, filtered, ordered by resource id then key. */
export function describeTags(model: Ec2Model, filters: readonly Filter[]): TagDescription[] {
  const rows: TagDescription[] = [];
  for (const k of KINDS) {
    for (const [resourceId, resource] of k.collection(model)) {
      for (const [key, value] of resource.tags) rows.push({ resourceId, resourceType: k.type, key, value });
    }
  }
  rows.sort((a, b) => a.resourceId.localeCompare(b.resourceId) || a.key.localeCompare(b.key));
  return rows.filter((row) => matchesFilters(row, filters, tagRowFilterValues, unknownFilter));
}

function tagRowFilterValues(row: TagDescription, name: string): readonly string[] | undefined {
  switch (name) {
    case 'resource-id':
      return [row.resourceId];
    case 'resource-type':
      return [row.resourceType];
    case 'key':
      return [row.key];
    case 'value':
      return [row.value];
    default:
      if (name.startsWith('tag:')) return name.slice(4) === row.key ? [row.value] : [];
      return undefined;
  }
}

function emitTagChange(model: Ec2Model, resourceId: string): void {
  const found = KINDS.find((k) => resourceId.startsWith(k.prefix));
  if (found !== undefined) model.emit(found.event(resourceId));
}
