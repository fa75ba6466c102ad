/**
 * The request bodies the real Azure SDK clients put on the wire, captured at the transport (a
 * custom `httpClient`, the pipeline's last step) without any server: what the SDK's serializers
 * keep of a model and what they drop. Not a test file itself.
 */
import { ComputeManagementClient } from '@azure/arm-compute';
import { NetworkManagementClient } from '@azure/arm-network';
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from '@azure/core-rest-pipeline';

/** One request as the SDK sent it. */
export interface CapturedRequest {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
}

/** Clients whose requests are captured and answered `200` with `{ id, name, properties: { provisioningState: 'Succeeded' } }`. */
export function capturingClients(): { compute: ComputeManagementClient; network: NetworkManagementClient; requests: CapturedRequest[] } {
  const requests: CapturedRequest[] = [];
  const httpClient: HttpClient = {
    sendRequest: async (request: PipelineRequest): Promise<PipelineResponse> => {
      const text = typeof request.body === 'string' ? request.body : undefined;
      requests.push({ method: request.method, url: request.url, body: text === undefined ? undefined : (JSON.parse(text) as unknown) });
      const name = new URL(request.url).pathname.split('/').at(-1);
      return {
        request,
        status: 200,
        headers: createHttpHeaders({ 'content-type': 'application/json' }),
        bodyAsText: JSON.stringify({ id: new URL(request.url).pathname, name, properties: { provisioningState: 'Succeeded' } }),
      };
    },
  };
  const credential = { getToken: async () => ({ token: 'test-token', expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const options = { endpoint: 'https://management.example.invalid', httpClient, retryOptions: { maxRetries: 0 } };
  return {
    compute: new ComputeManagementClient(credential, '00000000-0000-0000-0000-000000000000', options),
    network: new NetworkManagementClient(credential, '00000000-0000-0000-0000-000000000000', options),
    requests,
  };
}
