import type { Ec2Model } from './model/model.ts';

/** One EC2 filter (`Filter.N.Name`, `Filter.N.Value.M`). */
export interface Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** One tag as EC2 carries it. */
export interface Tag {
  readonly key: string;
  readonly value: string;
}

/** One `TagSpecification.N` (resource type plus its tags). */
export interface TagSpecification {
  readonly resourceType: string;
  readonly tags: readonly Tag[];
}

/**
 * Typed access to the flattened EC2 Query parameters of one request. Every accessor throws
 * `Ec2ApiError` (`MissingParameter` or `InvalidParameterValue`) on bad input, never a plain Error.
 */
export interface QueryParams {
  /** The value of an exact key, e.g. `SubnetId`. */
  get(name: string): string | undefined;
  /** Like get(), but `MissingParameter` when absent or empty. */
  required(name: string): string;
  /** An integer in [min, max], or undefined when absent; `InvalidParameterValue` otherwise. */
  int(name: string, range?: { min?: number; max?: number }): number | undefined;
  /** `true`/`false` (case-insensitive), or undefined when absent. */
  bool(name: string): boolean | undefined;
  /** A flattened list `Prefix.1`, `Prefix.2`, ... in index order (gaps allowed, like AWS). */
  list(prefix: string): string[];
  /** A list of structures `Prefix.N.Member...`, each as a view with keys relative to `Prefix.N.`. */
  structs(prefix: string): QueryParams[];
  /** A nested structure `Prefix.Member...` as a view, or undefined when no key starts with `Prefix.`. */
  struct(prefix: string): QueryParams | undefined;
  /** `Filter.N.Name` / `Filter.N.Value.M`. */
  filters(): Filter[];
  /** `TagSpecification.N.ResourceType` / `TagSpecification.N.Tag.M.Key|Value`. */
  tagSpecifications(): TagSpecification[];
  /** Every key present (for diagnostics). */
  keys(): string[];
}

/**
 * A reply body: a plain object whose keys are the EC2 XML element names (e.g. `networkInterfaceSet`).
 * Arrays render as `<item>` lists, booleans as `true`/`false`, numbers as text, undefined is omitted.
 */
export type XmlValue = string | number | boolean | undefined | XmlObject | XmlValue[];
export interface XmlObject {
  readonly [element: string]: XmlValue;
}

/** What an action handler sees. */
export interface ActionContext {
  readonly model: Ec2Model;
  readonly params: QueryParams;
  /** The caller's access key id (from the SigV4 Authorization header). */
  readonly accessKeyId: string;
}

/**
 * Handles one EC2 action. Returns the reply body (without `requestId`, which the server adds) or throws
 * `Ec2ApiError`. Handlers are synchronous: the model is in memory; latency is added by the server.
 */
export type ActionHandler = (ctx: ActionContext) => XmlObject;

/** Handlers by action name, e.g. `{ DescribeVpcs: describeVpcs }`. */
export type ActionTable = Readonly<Record<string, ActionHandler>>;
