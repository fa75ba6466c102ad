/**
 * The AWS Price List Query API's GetProducts, as the emulator serves it: awsJson1_1 (POST,
 * `X-Amz-Target: AWSPriceListService.GetProducts`), answering `{ FormatVersion, PriceList,
 * NextToken }` where each PriceList entry is a JSON *string* holding one product with its
 * OnDemand and Reserved terms. Shapes per the Price List Query API reference and the
 * "aws_v1" price list format (read 2026-11).
 */
import { createHash } from 'node:crypto';
import {
  EBS_PRICES_PER_GB_MONTH,
  EGRESS_PER_GB,
  RESERVED_FACTORS,
  SEED_INSTANCE_TYPES,
  SEED_REGIONS,
} from './seed-catalog.js';

/** One product of the price list, before it is serialized into `PriceList`. */
export interface PriceListProduct {
  readonly product: { readonly productFamily: string; readonly sku: string; readonly attributes: Readonly<Record<string, string>> };
  readonly serviceCode: string;
  readonly terms: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly version: string;
  readonly publicationDate: string;
}

/** Publication date of the seeded price list. */
export const PRICE_LIST_PUBLICATION_DATE = '2025-06-01T00:00:00Z';

function sku(...parts: string[]): string {
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 16).toUpperCase();
}

function money(n: number): string {
  return n.toFixed(10);
}

function onDemandTerm(code: string, unit: string, dimensions: { price: number; begin?: string; end?: string; description: string }[]) {
  const termKey = `${code}.JRTCKXETXF`;
  return {
    [termKey]: {
      offerTermCode: 'JRTCKXETXF',
      sku: code,
      effectiveDate: PRICE_LIST_PUBLICATION_DATE,
      termAttributes: {},
      priceDimensions: Object.fromEntries(
        dimensions.map((d, i) => [
          `${termKey}.6YS6EN2CT${i}`,
          { rateCode: `${termKey}.6YS6EN2CT${i}`, description: d.description, unit, beginRange: d.begin ?? '0', endRange: d.end ?? 'Inf', pricePerUnit: { USD: money(d.price) } },
        ]),
      ),
    },
  };
}

function reservedTerm(code: string, termCode: string, years: 1 | 3, effectiveHourly: number) {
  // Partial Upfront: half the effective price up front, half hourly (see RESERVED_FACTORS).
  const hours = years * 8760;
  const upfront = (effectiveHourly * hours) / 2;
  const hourly = effectiveHourly / 2;
  const termKey = `${code}.${termCode}`;
  return {
    [termKey]: {
      offerTermCode: termCode,
      sku: code,
      effectiveDate: PRICE_LIST_PUBLICATION_DATE,
      termAttributes: { LeaseContractLength: `${years}yr`, OfferingClass: 'standard', PurchaseOption: 'Partial Upfront' },
      priceDimensions: {
        [`${termKey}.2TG2D8R56U`]: { rateCode: `${termKey}.2TG2D8R56U`, description: 'Upfront Fee', unit: 'Quantity', pricePerUnit: { USD: money(upfront) } },
        [`${termKey}.6YS6EN2CT7`]: { rateCode: `${termKey}.6YS6EN2CT7`, description: 'Linux/UNIX (Amazon VPC)', unit: 'Hrs', beginRange: '0', endRange: 'Inf', pricePerUnit: { USD: money(hourly) } },
      },
    },
  };
}

/** The seeded price list: Linux compute, EBS storage and internet egress per region. */
export function buildPriceList(): PriceListProduct[] {
  const products: PriceListProduct[] = [];
  for (const region of SEED_REGIONS) {
    for (const type of SEED_INSTANCE_TYPES) {
      const code = sku('compute', region.name, type.name);
      const od = Number((type.onDemandUsEast1 * region.priceFactor).toFixed(4));
      products.push({
        product: {
          productFamily: 'Compute Instance',
          sku: code,
          attributes: {
            servicecode: 'AmazonEC2',
            location: region.location,
            locationType: 'AWS Region',
            regionCode: region.name,
            instanceType: type.name,
            instanceFamily: type.gpu ? 'GPU instance' : 'General purpose',
            vcpu: String(type.vcpus),
            memory: `${type.memoryMiB / 1024} GiB`,
            ...(type.gpu ? { gpu: String(type.gpu.count), gpuMemory: `${type.gpu.memoryMiB / 1024} GiB` } : {}),
            physicalProcessor: type.arch === 'arm64' ? 'AWS Graviton2 Processor' : 'Intel Xeon Platinum 8175',
            processorArchitecture: type.arch === 'arm64' ? '64-bit' : '64-bit',
            tenancy: 'Shared',
            operatingSystem: 'Linux',
            licenseModel: 'No License required',
            preInstalledSw: 'NA',
            capacitystatus: 'Used',
            usagetype: `${region.name === 'us-east-1' ? '' : 'X-'}BoxUsage:${type.name}`,
            operation: 'RunInstances',
          },
        },
        serviceCode: 'AmazonEC2',
        terms: {
          OnDemand: onDemandTerm(code, 'Hrs', [{ price: od, description: `$${od} per On Demand Linux ${type.name} Instance Hour` }]),
          Reserved: {
            ...reservedTerm(code, '38NPMPTW36', 1, od * RESERVED_FACTORS.oneYear),
            ...reservedTerm(code, 'R5XV2EPZQZ', 3, od * RESERVED_FACTORS.threeYear),
          },
        },
        version: '20250601000000',
        publicationDate: PRICE_LIST_PUBLICATION_DATE,
      });
    }
    for (const [volumeApiName, perGb] of Object.entries(EBS_PRICES_PER_GB_MONTH)) {
      const code = sku('storage', region.name, volumeApiName);
      const price = Number((perGb * region.priceFactor).toFixed(4));
      products.push({
        product: {
          productFamily: 'Storage',
          sku: code,
          attributes: { servicecode: 'AmazonEC2', location: region.location, regionCode: region.name, volumeApiName, usagetype: `EBS:VolumeUsage.${volumeApiName}` },
        },
        serviceCode: 'AmazonEC2',
        terms: { OnDemand: onDemandTerm(code, 'GB-Mo', [{ price, description: `$${price} per GB-month of ${volumeApiName} provisioned storage` }]) },
        version: '20250601000000',
        publicationDate: PRICE_LIST_PUBLICATION_DATE,
      });
    }
    const code = sku('egress', region.name);
    products.push({
      product: {
        productFamily: 'Data Transfer',
        sku: code,
        attributes: {
          servicecode: 'AWSDataTransfer',
          transferType: 'AWS Outbound',
          fromLocation: region.location,
          fromRegionCode: region.name,
          toLocation: 'External',
          usagetype: 'DataTransfer-Out-Bytes',
        },
      },
      serviceCode: 'AWSDataTransfer',
      terms: {
        OnDemand: onDemandTerm(code, 'GB', [
          // The 100 GB/month free allowance is account-wide, not part of this price list.
          { price: EGRESS_PER_GB, begin: '0', end: '10240', description: `$${EGRESS_PER_GB} per GB - first 10 TB / month` },
          { price: 0.085, begin: '10240', end: '51200', description: '$0.085 per GB - next 40 TB' },
        ]),
      },
      version: '20250601000000',
      publicationDate: PRICE_LIST_PUBLICATION_DATE,
    });
  }
  return products;
}

/** A GetProducts request as the Pricing client sends it. */
export interface GetProductsRequest {
  ServiceCode?: string;
  Filters?: { Type?: string; Field?: string; Value?: string }[];
  FormatVersion?: string;
  NextToken?: string;
  MaxResults?: number;
}

/** Answers GetProducts over a price list; throws `{ type, message }` for bad requests. */
export function getProducts(priceList: readonly PriceListProduct[], request: GetProductsRequest): { FormatVersion: string; PriceList: string[]; NextToken?: string } {
  if (!request.ServiceCode) throw { type: 'InvalidParameterException', message: 'ServiceCode is required' };
  const maxResults = request.MaxResults ?? 100;
  if (maxResults < 1 || maxResults > 100) throw { type: 'InvalidParameterException', message: 'MaxResults must be between 1 and 100' };
  const filters = request.Filters ?? [];
  for (const f of filters) {
    if (f.Type !== 'TERM_MATCH' && f.Type !== 'EQUALS') throw { type: 'InvalidParameterException', message: `Unsupported filter type ${String(f.Type)}` };
  }
  const matching = priceList.filter(
    (p) =>
      p.serviceCode === request.ServiceCode &&
      filters.every((f) => {
        const field = f.Field ?? '';
        const value = field === 'productFamily' ? p.product.productFamily : p.product.attributes[field];
        return value !== undefined && value.toLowerCase() === (f.Value ?? '').toLowerCase();
      }),
  );
  let offset = 0;
  if (request.NextToken) {
    const decoded = Number(Buffer.from(request.NextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0) throw { type: 'InvalidNextTokenException', message: 'The next token is invalid' };
    offset = decoded;
  }
  const page = matching.slice(offset, offset + maxResults);
  const next = offset + maxResults < matching.length ? Buffer.from(String(offset + maxResults)).toString('base64url') : undefined;
  return { FormatVersion: 'aws_v1', PriceList: page.map((p) => JSON.stringify(p)), ...(next ? { NextToken: next } : {}) };
}
