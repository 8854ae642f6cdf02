import type { ActionTable } from './action.ts';
import { credentialScopeOf } from './auth.ts';
import { Ec2ApiError } from './errors.ts';
import type { Ec2Model } from './model/model.ts';
import type { PermissionPolicy } from './permissions.ts';
import { checkDryRun, checkPermission } from './permissions.ts';
import { parseQuery } from './query.ts';
import type { Throttle } from './throttle.ts';
import { renderError, renderReply } from './xml.ts';

/** Everything one emulated EC2 endpoint needs to answer requests. */
export interface Ec2Service {
  readonly model: Ec2Model;
  readonly actions: ActionTable;
  /** Undefined when throttling is disabled. */
  readonly throttle: Throttle | undefined;
  readonly permissions: PermissionPolicy;
  /** Told about a handler's unexpected exception (the caller only sees `InternalError`). */
  readonly onInternalError?: (error: unknown, action: string) => void;
}

/** A received request, reduced to what the EC2 Query protocol looks at. */
export interface Ec2Request {
  readonly body: string;
  readonly authorization: string | undefined;
  readonly requestId: string;
}

/** The HTTP status and XML document to send back. */
export interface Ec2Reply {
  readonly status: number;
  readonly xml: string;
}

/** The error every unexpected failure becomes, as on AWS. */
export function internalError(): Ec2ApiError {
  return new Ec2ApiError('InternalError', 'An internal error has occurred', 500);
}

/**
 * Answers one request: parse → authenticate → permission and DryRun → throttle → find the action →
 * run its handler. Never throws: every failure becomes an EC2 error document.
 */
export function dispatch(service: Ec2Service, request: Ec2Request): Ec2Reply {
  let action = '';
  try {
    const query = parseQuery(request.body);
    action = query.action;
    const { accessKeyId } = credentialScopeOf(request.authorization);
    const access = { accessKeyId, action, accountId: service.model.accountId };
    checkPermission(service.permissions, access);
    const handler = Object.hasOwn(service.actions, action) ? service.actions[action] : undefined;
    const dryRun = query.params.bool('DryRun') === true;
    if (dryRun && handler === undefined) throw invalidAction(action);
    checkDryRun(service.permissions, { ...access, dryRun });
    service.throttle?.take(action);
    if (handler === undefined) throw invalidAction(action);
    const body = handler({ model: service.model, params: query.params, accessKeyId });
    return { status: 200, xml: renderReply(action, request.requestId, body) };
  } catch (error) {
    return errorReply(service, error, { action, requestId: request.requestId });
  }
}

/** The reply for an error thrown anywhere in the pipeline. */
export function errorReply(
  service: Pick<Ec2Service, 'onInternalError'>,
  error: unknown,
  context: { readonly action: string; readonly requestId: string },
): Ec2Reply {
  if (error instanceof Ec2ApiError) {
    return { status: error.httpStatus, xml: renderError(error, context.requestId) };
  }
  try {
    service.onInternalError?.(error, context.action);
  } catch {
    // A failing diagnostics hook must not change the caller's answer.
  }
  return { status: 500, xml: renderError(internalError(), context.requestId) };
}

function invalidAction(action: string): Ec2ApiError {
  return new Ec2ApiError('InvalidAction', `The action ${action} is not valid for this web service.`);
}
