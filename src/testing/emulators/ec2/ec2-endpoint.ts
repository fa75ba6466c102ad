/**
 * The EC2 emulator's wire: which operation a request is (the EC2 Query `Action=` of a
 * form-encoded body, or the Price List's `X-Amz-Target: AWSPriceListService.GetProducts`),
 * SigV4 authentication before the fault plan, the handlers' answers as XML or awsJson1_1, and
 * their errors in EC2's own error documents. The kit's server does the rest.
 */
import type { EmulatorRequest, EmulatorResponse } from '../kit/emulator-request.js';
import type { EmulatorServerOptions, ResolvedOperation } from '../kit/emulator-server.js';
import type { RequestLogEntry } from '../kit/request-log.js';
import type { ActionContext } from './action-support.js';
import { checkAwsCredentials, regionOf, type AwsCredentialCheck } from './ec2-authentication.js';
import { EC2_ACTIONS } from './ec2-actions.js';
import { Ec2ApiError } from './ec2-api-error.js';
import type { Ec2FaultPlan } from './ec2-fault-plan.js';
import type { Ec2State } from './ec2-state.js';
import { EC2_FAULT_WIRE_FORM, ec2ErrorResponse, PRICING_FAULT_WIRE_FORM, pricingErrorResponse } from './ec2-wire-errors.js';
import { getProducts, type GetProductsRequest, type PriceListProduct } from './pricing-endpoint.js';
import { parseQueryRequest } from './query-request.js';
import { renderActionResponse } from './xml-writer.js';

/** What the endpoint serves. */
export interface Ec2EndpointContext {
  /** The account. */
  readonly state: Ec2State;
  /** Faults in force. */
  readonly faults: Ec2FaultPlan;
  /** The region of unsigned calls. */
  readonly region: string;
  /** Credentials accepted. */
  readonly credentials: Pick<AwsCredentialCheck, 'accessKeyId' | 'secretAccessKey'>;
  /** Spot price overrides. */
  readonly spotPrices: ReadonlyMap<string, number>;
  /** Objects "in S3". */
  readonly objects: ActionContext['objects'];
  /** The seeded price list. */
  readonly priceList: readonly PriceListProduct[];
  /** After each answered (or dropped) call. */
  readonly onCall: (entry: RequestLogEntry, region: string) => void;
}

const PRICING_TARGET = 'AWSPriceListService.';

function isPricing(request: EmulatorRequest): boolean {
  return request.header('x-amz-target')?.startsWith(PRICING_TARGET) ?? false;
}

function ec2Action(ctx: Ec2EndpointContext, request: EmulatorRequest): ResolvedOperation {
  const { action, params } = parseQueryRequest(request.body);
  return {
    operation: action,
    handle: () => {
      const handler = EC2_ACTIONS[action];
      if (!handler) throw new Ec2ApiError('InvalidAction', `The action ${action} is not valid for this web service.`);
      const actionContext: ActionContext = { state: ctx.state, faults: ctx.faults, region: regionOf(request, ctx.region), spotPrices: ctx.spotPrices, objects: ctx.objects };
      const body = renderActionResponse(action, request.id, handler(actionContext, params));
      return { status: 200, headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': request.id }, body };
    },
  };
}

function pricingOperation(ctx: Ec2EndpointContext, request: EmulatorRequest): ResolvedOperation {
  const operation = request.header('x-amz-target')!.slice(PRICING_TARGET.length);
  return {
    operation,
    faultWireForm: PRICING_FAULT_WIRE_FORM,
    handle: (): EmulatorResponse => {
      if (operation !== 'GetProducts') return pricingErrorResponse({ code: 'UnknownOperationException', message: `Unknown operation ${operation}`, status: 400 }, request);
      try {
        const result = getProducts(ctx.priceList, request.json<GetProductsRequest>({}));
        return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': request.id }, body: JSON.stringify(result) };
      } catch (e) {
        const err = e as { type?: string; message?: string };
        return pricingErrorResponse({ code: err.type ?? 'InternalErrorException', message: err.message ?? 'internal error', status: 400 }, request);
      }
    },
  };
}

function internalError(error: unknown): Ec2ApiError {
  if (error instanceof Ec2ApiError) return error;
  return new Ec2ApiError('InternalError', `An internal error has occurred: ${error instanceof Error ? error.message : String(error)}`, 500);
}

/** The kit server's options for an EC2 (and Price List) endpoint. */
export function ec2EndpointOptions(ctx: Ec2EndpointContext): Omit<EmulatorServerOptions, 'host' | 'port'> {
  const check: AwsCredentialCheck = { ...ctx.credentials, knowsRegion: (r) => ctx.state.regions.has(r) };
  return {
    name: 'ec2-emulator',
    faults: ctx.faults,
    faultWireForm: EC2_FAULT_WIRE_FORM,
    resolve: (request) => (isPricing(request) ? pricingOperation(ctx, request) : ec2Action(ctx, request)),
    authenticate: (request) => {
      const pricing = isPricing(request);
      const refusal = checkAwsCredentials(request, check, pricing ? 'pricing' : 'ec2');
      if (!refusal) return undefined;
      return pricing ? pricingErrorResponse(refusal, request) : ec2ErrorResponse(refusal, request);
    },
    handlerError: (error, request) => ec2ErrorResponse(internalError(error), request),
    onAnswer: (entry, request) => ctx.onCall(entry, regionOf(request, ctx.region)),
  };
}
