// The Azure adapter, built from the environment: Azure Resource Manager through @azure/arm-compute
// and @azure/arm-network, credentials through @azure/identity's DefaultAzureCredential (a service
// principal's AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET, a managed identity, or
// `az login`), prices from the public Azure Retail Prices API.
//
//   AZURE_SUBSCRIPTION_ID, AZURE_RESOURCE_GROUP   required (the resource group must exist)
//   AZURE_LOCATION                                default eastus
//   AZURE_SSH_PUBLIC_KEY                          OpenSSH public key for created VMs (needed with NOVACRON_EXAMPLE_CREATE=1)
//   NOVACRON_EXAMPLE_CREATE=1                     also create one B-series VM and delete it (costs cents)
//
// Run with `npm run build && node examples/azure.mjs`. Without credentials it says what to set and exits 0.
import { createAzureProvider } from 'novacron/azure';
import { tourProvider } from './shared/provider-tour.mjs';

const env = process.env;
if (!env.AZURE_SUBSCRIPTION_ID || !env.AZURE_RESOURCE_GROUP) {
  console.log('skipped: set AZURE_SUBSCRIPTION_ID and AZURE_RESOURCE_GROUP (credentials come from DefaultAzureCredential: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, a managed identity, or `az login`) to run this example against your Azure subscription');
} else {
  const azure = createAzureProvider({
    name: 'azure-example',
    subscriptionId: env.AZURE_SUBSCRIPTION_ID,
    resourceGroup: env.AZURE_RESOURCE_GROUP,
    location: env.AZURE_LOCATION ?? 'eastus',
    // No `credential`: DefaultAzureCredential from @azure/identity, loaded on first use. Pass any TokenCredential instead.
    defaults: { sshPublicKey: env.AZURE_SSH_PUBLIC_KEY },
    federationId: 'novacron-example',
  });
  await tourProvider(azure);
}
