/**
 * The network companion's door to Compute Engine: the `@google-cloud/compute` clients of VPC
 * networking (networks, subnetworks, HA VPN and external VPN gateways, VPN tunnels, Cloud
 * Routers, routes, region and global operations), built on first use with the provider's own
 * transport, endpoint and credentials (the REST transport, `fallback: true`, as `gcp-api.ts`
 * builds the VM clients), and every call run through the provider's {@link GcpApi.run}: the same
 * per-call timeout, signal, retries of throttling and transient failures, and error mapping.
 *
 * Nothing is loaded on import: the library is `import()`ed by the first call.
 */
import type * as ComputeSdk from '@google-cloud/compute';
import type {
  ExternalVpnGatewaysClient,
  GlobalOperationsClient,
  NetworksClient,
  RegionOperationsClient,
  RoutersClient,
  RoutesClient,
  SubnetworksClient,
  VpnGatewaysClient,
  VpnTunnelsClient,
} from '@google-cloud/compute';
import { ProviderUnavailableError } from '../../provider/errors.js';
import { endpointOptions, type GcpApi, type GcpAuthClient, type GcpClientOptions, type GcpCredentialsObject } from './gcp-api.js';
import type { GcpErrorContext } from './error-mapping.js';
import { loadGaxModule } from './gax-module.js';

/** The clients the companion calls. */
export interface GcpNetworkClients {
  /** VPC networks (and their peerings). */
  readonly networks: NetworksClient;
  /** Subnetworks. */
  readonly subnetworks: SubnetworksClient;
  /** HA VPN gateways. */
  readonly vpnGateways: VpnGatewaysClient;
  /** External (peer) VPN gateways. */
  readonly externalVpnGateways: ExternalVpnGatewaysClient;
  /** VPN tunnels. */
  readonly vpnTunnels: VpnTunnelsClient;
  /** Cloud Routers. */
  readonly routers: RoutersClient;
  /** Routes. */
  readonly routes: RoutesClient;
  /** Region operations (subnetworks, gateways, tunnels, routers). */
  readonly regionOperations: RegionOperationsClient;
  /** Global operations (networks, peerings, external gateways, routes). */
  readonly globalOperations: GlobalOperationsClient;
}

/** How the clients reach Compute Engine: what the provider was given. */
export interface GcpNetworkTransport {
  /** Provider name, for errors. */
  readonly providerName: string;
  /** Project id. */
  readonly project: string;
  /** Endpoint override. */
  readonly endpoint?: string | undefined;
  /** A service account key file. */
  readonly keyFilename?: string | undefined;
  /** A service account key as an object. */
  readonly credentials?: GcpCredentialsObject | undefined;
  /** Any google-auth-library auth client. */
  readonly authClient?: GcpAuthClient | undefined;
}

/** Per-call options the library takes. */
export type GcpCallOptions = ReturnType<GcpApi['callOptions']>;

/** Lazily built network clients, called through the provider's {@link GcpApi}. */
export class GcpNetworkApi {
  private clientsPromise: Promise<GcpNetworkClients> | undefined;

  /** Keeps the transport; nothing is loaded yet. */
  constructor(
    private readonly api: GcpApi,
    private readonly transport: GcpNetworkTransport,
  ) {}

  /** The clients, built on first use. */
  clients(): Promise<GcpNetworkClients> {
    this.clientsPromise ??= this.build().catch((error: unknown) => {
      this.clientsPromise = undefined;
      throw error;
    });
    return this.clientsPromise;
  }

  /**
   * Runs one call with the provider's timeout, retries and error mapping (`ctx` names what it
   * was about; `mutating` calls time out as "may have happened").
   */
  run<T>(ctx: Omit<GcpErrorContext, 'provider'>, signal: AbortSignal | undefined, fn: (clients: GcpNetworkClients, call: GcpCallOptions) => Promise<T>, options: { readonly retry?: boolean; readonly timeoutMs?: number } = {}): Promise<T> {
    return this.api.run(ctx, signal, async (_vmClients, call) => fn(await this.clients(), call), options);
  }

  /** Classifies an error (a DONE operation's) the way a failed call's is. */
  classify(error: unknown, ctx: Omit<GcpErrorContext, 'provider'>): Error {
    return this.api.classify(error, ctx);
  }

  private async build(): Promise<GcpNetworkClients> {
    let sdk: typeof ComputeSdk;
    try {
      sdk = await import('@google-cloud/compute');
    } catch (error) {
      throw new ProviderUnavailableError({
        provider: this.transport.providerName,
        message: 'cannot load @google-cloud/compute; install it (npm i @google-cloud/compute) to use the networking of novacron/gcp',
        retryable: false,
        requestSent: false,
        cause: error,
      });
    }
    const t = this.transport;
    // The same transport options as the VM clients of gcp-api.ts.
    const options = {
      fallback: true,
      projectId: t.project,
      ...endpointOptions(t.endpoint),
      ...(t.authClient !== undefined ? { authClient: t.authClient } : {}),
      ...(t.keyFilename !== undefined ? { keyFilename: t.keyFilename } : {}),
      ...(t.credentials !== undefined ? { credentials: t.credentials } : {}),
    } as GcpClientOptions;
    const gax = loadGaxModule() as ConstructorParameters<typeof sdk.NetworksClient>[1];
    return {
      networks: new sdk.NetworksClient(options, gax),
      subnetworks: new sdk.SubnetworksClient(options, gax),
      vpnGateways: new sdk.VpnGatewaysClient(options, gax),
      externalVpnGateways: new sdk.ExternalVpnGatewaysClient(options, gax),
      vpnTunnels: new sdk.VpnTunnelsClient(options, gax),
      routers: new sdk.RoutersClient(options, gax),
      routes: new sdk.RoutesClient(options, gax),
      regionOperations: new sdk.RegionOperationsClient(options, gax),
      globalOperations: new sdk.GlobalOperationsClient(options, gax),
    };
  }
}
