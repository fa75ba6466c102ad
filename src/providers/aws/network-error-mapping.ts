/**
 * What EC2's network error codes mean in novacron's taxonomy, where the general table
 * (`error-mapping.ts`) reads them too broadly: every `Invalid…` code there is bad input, but
 * `InvalidVpnGatewayID.NotFound` says a resource is gone, and `InvalidSubnet.Conflict` that the
 * request clashes with what exists. Codes from the EC2 API Reference "Error codes" page (read
 * 2026-12). The mapped error keeps the AWS code in `cause`.
 */
import { ConflictError, NotFoundError, NovacronError, QuotaError } from '../../provider/errors.js';
import type { ErrorCause } from '../../provider/errors.js';

/** A resource named by the request does not exist. */
const NOT_FOUND = new Set([
  'InvalidVpcID.NotFound',
  'InvalidSubnetID.NotFound',
  'InvalidSubnetId.NotFound',
  'InvalidVpnGatewayID.NotFound',
  'InvalidCustomerGatewayID.NotFound',
  'InvalidVpnConnectionID.NotFound',
  'InvalidVpcPeeringConnectionID.NotFound',
  'InvalidVpcPeeringConnectionId.NotFound',
  'InvalidRouteTableID.NotFound',
  'InvalidRoute.NotFound',
  'InvalidInternetGatewayID.NotFound',
  'InvalidGatewayID.NotFound',
  'InvalidVpnGatewayAttachment.NotFound',
  'InvalidInstanceID.NotFound',
  'InvalidVpcID.Malformed',
  'InvalidSubnetID.Malformed',
  'InvalidVpnGatewayId.Malformed',
  'InvalidCustomerGatewayId.Malformed',
  'InvalidVpnConnectionId.Malformed',
  'InvalidVpcPeeringConnectionId.Malformed',
  'InvalidRouteTableId.Malformed',
]);

/** The request contradicts the resource's current state or another resource. */
const CONFLICT = new Set([
  'DependencyViolation',
  'IncorrectState',
  'InvalidStateTransition',
  'InvalidSubnet.Conflict',
  'InvalidOption.Conflict',
  'InvalidCustomerGateway.DuplicateIpAddress',
  'InvalidVpnGatewayState',
  'InvalidCustomerGatewayState',
  'InvalidVpnConnection.InvalidState',
  'InvalidVpcState',
  'VpnGatewayAttachmentLimitExceeded',
  'RouteAlreadyExists',
  'VpcPeeringConnectionAlreadyExists',
  'Resource.AlreadyAssociated',
  'Gateway.NotAttached',
  'OperationNotPermitted',
]);

/** An account or per-resource limit. */
const QUOTA = new Set([
  'VpcLimitExceeded',
  'SubnetLimitExceeded',
  'VpnGatewayLimitExceeded',
  'CustomerGatewayLimitExceeded',
  'VpnConnectionLimitExceeded',
  'RouteLimitExceeded',
  'InternetGatewayLimitExceeded',
  'VpcPeeringConnectionsPerVpcLimitExceeded',
  'OutstandingVpcPeeringConnectionLimitExceeded',
  'PendingVpcPeeringConnectionLimitExceeded',
]);

/** The AWS code behind a novacron error (its `cause`), if any. */
export function awsCodeOf(error: unknown): string | undefined {
  if (!NovacronError.isInstance(error)) return undefined;
  return (error.cause as ErrorCause | undefined)?.code;
}

/** Re-reads a mapped error by its AWS code where the network meaning differs; other errors pass through. */
export function refineNetworkError(error: unknown, ctx: { readonly provider: string; readonly region: string; readonly resourceType?: string | undefined; readonly resourceId?: string | undefined }): unknown {
  const code = awsCodeOf(error);
  if (code === undefined || !NovacronError.isInstance(error)) return error;
  const base = { provider: ctx.provider, message: error.message.replace(/^\[novacron\] \[[^\]]*\] /, ''), cause: error.cause, requestSent: error.requestSent };
  if (NOT_FOUND.has(code)) return new NotFoundError({ ...base, resourceType: ctx.resourceType, resourceId: ctx.resourceId });
  if (CONFLICT.has(code)) return new ConflictError(base);
  if (QUOTA.has(code)) return new QuotaError({ ...base, region: ctx.region, quotaName: code });
  return error;
}
