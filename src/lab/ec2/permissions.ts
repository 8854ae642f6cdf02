import { Ec2ApiError } from './errors.ts';

/**
 * Which caller may call which action, by access key id. An action pattern is an exact action name,
 * a prefix ending in `*` (`Describe*`) or `*` alone; an optional `ec2:` prefix is ignored.
 * - `deny[key]`: these actions are refused to that key.
 * - `allow[key]`: that key may call only these actions.
 * Keys mentioned in neither may call everything.
 */
export interface PermissionPolicy {
  readonly deny?: Readonly<Record<string, readonly string[]>>;
  readonly allow?: Readonly<Record<string, readonly string[]>>;
}

/** One request as the permission check sees it. */
export interface PermissionRequest {
  readonly accessKeyId: string;
  readonly action: string;
  /** The emulated account, for the ARN in the error message. */
  readonly accountId: string;
}

/** Whether the policy lets `accessKeyId` call `action`. */
export function isPermitted(policy: PermissionPolicy, accessKeyId: string, action: string): boolean {
  const denied = ownEntry(policy.deny, accessKeyId);
  if (denied !== undefined && matchesAny(denied, action)) return false;
  const allowed = ownEntry(policy.allow, accessKeyId);
  return allowed === undefined || matchesAny(allowed, action);
}

/** Throws `UnauthorizedOperation` (HTTP 403) when the policy refuses the request. */
export function checkPermission(policy: PermissionPolicy, request: PermissionRequest): void {
  if (isPermitted(policy, request.accessKeyId, request.action)) return;
  throw new Ec2ApiError(
    'UnauthorizedOperation',
    'You are not authorized to perform this operation. ' +
      `User: arn:aws:iam::${request.accountId}:user/${request.accessKeyId} ` +
      `is not authorized to perform: ec2:${request.action}`,
    403,
  );
}

/**
 * EC2's DryRun: a permitted request with `DryRun=true` fails with `DryRunOperation` (HTTP 412) instead of
 * running; a refused one fails with `UnauthorizedOperation`. Returns normally when `dryRun` is false.
 */
export function checkDryRun(policy: PermissionPolicy, request: PermissionRequest & { readonly dryRun: boolean }): void {
  if (!request.dryRun) return;
  checkPermission(policy, request);
  throw new Ec2ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
}

function ownEntry(
  table: Readonly<Record<string, readonly string[]>> | undefined,
  key: string,
): readonly string[] | undefined {
  return table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

function matchesAny(patterns: readonly string[], action: string): boolean {
  return patterns.some((pattern) => matches(pattern, action));
}

function matches(pattern: string, action: string): boolean {
  const bare = pattern.startsWith('ec2:') ? pattern.slice(4) : pattern;
  return bare.endsWith('*') ? action.startsWith(bare.slice(0, -1)) : bare === action;
}
