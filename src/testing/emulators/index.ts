/**
 * Local cloud emulators: stateful HTTP servers that speak the clouds' wire protocols, for
 * tests, demos and offline work. Importing this entry loads no test framework.
 *
 * @packageDocumentation
 */
export * from './ec2/index.js';
export * from './azure-retail-prices.js';
export * from './gcp-billing-catalog.js';
