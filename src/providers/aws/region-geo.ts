/**
 * Where AWS regions are, for residency and latency decisions. Countries from the AWS Regions
 * and Availability Zones page; coordinates are those of the region's metro area (approximate),
 * read 2026-11.
 */
import type { RegionGeo } from '../../provider/types.js';

const GEO: Readonly<Record<string, RegionGeo>> = {
  'us-east-1': { country: 'US', area: 'north-america', lat: 38.9, lon: -77.4 },
  'us-east-2': { country: 'US', area: 'north-america', lat: 40.0, lon: -83.0 },
  'us-west-1': { country: 'US', area: 'north-america', lat: 37.4, lon: -122.0 },
  'us-west-2': { country: 'US', area: 'north-america', lat: 45.8, lon: -119.7 },
  'ca-central-1': { country: 'CA', area: 'north-america', lat: 45.5, lon: -73.6 },
  'sa-east-1': { country: 'BR', area: 'south-america', lat: -23.5, lon: -46.6 },
  'eu-west-1': { country: 'IE', area: 'europe', lat: 53.3, lon: -6.3 },
  'eu-west-2': { country: 'GB', area: 'europe', lat: 51.5, lon: -0.1 },
  'eu-west-3': { country: 'FR', area: 'europe', lat: 48.9, lon: 2.4 },
  'eu-central-1': { country: 'DE', area: 'europe', lat: 50.1, lon: 8.7 },
  'eu-north-1': { country: 'SE', area: 'europe', lat: 59.3, lon: 18.1 },
  'eu-south-1': { country: 'IT', area: 'europe', lat: 45.5, lon: 9.2 },
  'ap-south-1': { country: 'IN', area: 'asia', lat: 19.1, lon: 72.9 },
  'ap-northeast-1': { country: 'JP', area: 'asia', lat: 35.7, lon: 139.7 },
  'ap-northeast-2': { country: 'KR', area: 'asia', lat: 37.6, lon: 127.0 },
  'ap-southeast-1': { country: 'SG', area: 'asia', lat: 1.3, lon: 103.8 },
  'ap-southeast-2': { country: 'AU', area: 'oceania', lat: -33.9, lon: 151.2 },
  'me-south-1': { country: 'BH', area: 'middle-east', lat: 26.1, lon: 50.6 },
  'af-south-1': { country: 'ZA', area: 'africa', lat: -33.9, lon: 18.4 },
};

/** The geography of an AWS region, when known. */
export function regionGeo(region: string): RegionGeo | undefined {
  return GEO[region];
}
