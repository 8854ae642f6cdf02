import type { ActionContext, ActionTable, QueryParams, XmlObject } from '../action.ts';
import { missingParameter } from '../errors.ts';
import type { Ec2Model } from '../model/model.ts';
import { tagList } from '../model/filters.ts';
import type { PageBounds } from '../model/paginate.ts';
import { paginate } from '../model/paginate.ts';
import type { Tags } from '../model/state.ts';
import type { TagToDelete } from '../model/tags.ts';
import { applyTagSpecifications, createTags, deleteTags, describeTags } from '../model/tags.ts';

/** The page-size bounds most Describe actions of the network model accept. */
export const DEFAULT_PAGE_BOUNDS: PageBounds = { min: 5, max: 1000 };

/** A resource's `tagSet` reply element: `{ key, value }` items sorted by key. */
export function tagSet(tags: Tags): XmlObject[] {
  return tagList(tags).map((tag) => ({ key: tag.key, value: tag.value }));
}

/** The tags a create action's `TagSpecification.N` give a new resource of `resourceType`. */
export function tagsFromSpecifications(model: Ec2Model, params: QueryParams, resourceType: string): Tags {
  const tags: Tags = new Map();
  applyTagSpecifications(model, resourceType, tags, params.tagSpecifications());
  return tags;
}

/** One page of a Describe listing from `MaxResults` / `NextToken`, with `nextToken` when more remain. */
export function pageOf<T>(params: QueryParams, items: readonly T[], bounds: PageBounds = DEFAULT_PAGE_BOUNDS): { items: T[]; nextToken?: string } {
  const maxResults = params.int('MaxResults');
  const nextToken = params.get('NextToken');
  return paginate(items, { ...(maxResults === undefined ? {} : { maxResults }), ...(nextToken === undefined ? {} : { nextToken }) }, bounds);
}

function resourceIds(params: QueryParams): string[] {
  const ids = params.list('ResourceId');
  if (ids.length === 0) throw missingParameter('ResourceId');
  return ids;
}

/** CreateTags: `ResourceId.N`, `Tag.N.Key` / `Tag.N.Value`. */
function createTagsAction({ model, params }: ActionContext): XmlObject {
  const ids = resourceIds(params);
  const tags = params.structs('Tag').map((tag) => ({ key: tag.required('Key'), value: tag.get('Value') ?? '' }));
  if (tags.length === 0) throw missingParameter('Tag');
  createTags(model, { resourceIds: ids, tags });
  return { return: true };
}

/** DeleteTags: `ResourceId.N`, optional `Tag.N.Key` / `Tag.N.Value` (no tags: delete them all). */
function deleteTagsAction({ model, params }: ActionContext): XmlObject {
  const ids = resourceIds(params);
  const tags: TagToDelete[] = params.structs('Tag').map((tag) => {
    const value = tag.get('Value');
    return value === undefined ? { key: tag.required('Key') } : { key: tag.required('Key'), value };
  });
  deleteTags(model, { resourceIds: ids, tags });
  return { return: true };
}

/** DescribeTags: filters `resource-id`, `resource-type`, `key`, `value`; MaxResults 5..1000. */
function describeTagsAction({ model, params }: ActionContext): XmlObject {
  const page = pageOf(params, describeTags(model, params.filters()));
  return {
    tagSet: page.items.map((row) => ({ resourceId: row.resourceId, resourceType: row.resourceType, key: row.key, value: row.value })),
    nextToken: page.nextToken,
  };
}

/** The tag actions, by name. */
export const TAG_ACTIONS: ActionTable = {
  CreateTags: createTagsAction,
  DeleteTags: deleteTagsAction,
  DescribeTags: describeTagsAction,
};
