/** Reading Price List documents: on-demand, reserved with amortized upfront fees, tiers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { onDemandPrice, onDemandTiers, parsePriceListItem, reservedEffectiveHourly, tieredCost } from '../../../src/providers/aws/pricing.js';

// Shaped like a real GetProducts PriceList entry (aws_v1 format), trimmed to what we read.
const M5_LARGE = JSON.stringify({
  product: { productFamily: 'Compute Instance', sku: 'ABC', attributes: { instanceType: 'm5.large', regionCode: 'us-east-1', operatingSystem: 'Linux' } },
  terms: {
    OnDemand: { 'ABC.JRTCKXETXF': { priceDimensions: { 'ABC.JRTCKXETXF.6YS6EN2CT7': { unit: 'Hrs', pricePerUnit: { USD: '0.0960000000' } } }, termAttributes: {} } },
    Reserved: {
      'ABC.1': { termAttributes: { LeaseContractLength: '1yr', OfferingClass: 'standard', PurchaseOption: 'All Upfront' }, priceDimensions: { a: { unit: 'Quantity', pricePerUnit: { USD: '500' } }, b: { unit: 'Hrs', pricePerUnit: { USD: '0.0000000000' } } } },
      'ABC.2': { termAttributes: { LeaseContractLength: '1yr', OfferingClass: 'standard', PurchaseOption: 'No Upfront' }, priceDimensions: { b: { unit: 'Hrs', pricePerUnit: { USD: '0.0600000000' } } } },
      'ABC.3': { termAttributes: { LeaseContractLength: '1yr', OfferingClass: 'convertible', PurchaseOption: 'All Upfront' }, priceDimensions: { a: { unit: 'Quantity', pricePerUnit: { USD: '1' } } } },
      'ABC.4': { termAttributes: { LeaseContractLength: '3yr', OfferingClass: 'standard', PurchaseOption: 'Partial Upfront' }, priceDimensions: { a: { unit: 'Quantity', pricePerUnit: { USD: '600' } }, b: { unit: 'Hrs', pricePerUnit: { USD: '0.0200000000' } } } },
    },
  },
  publicationDate: '2025-06-01T00:00:00Z',
});

describe('price list reading', () => {
  it('reads the on-demand hourly price', () => {
    const entry = parsePriceListItem(M5_LARGE)!;
    expect(entry.attributes.instanceType).toBe('m5.large');
    expect(onDemandPrice(entry, 'Hrs')).toBe(0.096);
    expect(onDemandPrice(entry, 'GB-Mo')).toBeUndefined();
  });

  it('amortizes upfront fees and keeps the cheapest standard reservation', () => {
    const entry = parsePriceListItem(M5_LARGE)!;
    // All Upfront 500 / 8760 h = 0.0571 beats No Upfront 0.06; convertible offers are ignored.
    expect(reservedEffectiveHourly(entry, '1yr')).toBeCloseTo(500 / 8760, 10);
    expect(reservedEffectiveHourly(entry, '3yr')).toBeCloseTo(0.02 + 600 / 26280, 10);
  });

  it('ignores what is not a product document', () => {
    expect(parsePriceListItem('not json')).toBeUndefined();
    expect(parsePriceListItem('{"foo":1}')).toBeUndefined();
  });

  it('prices tiered egress as the sum over tiers', () => {
    const entry = parsePriceListItem(
      JSON.stringify({
        product: { productFamily: 'Data Transfer', attributes: { transferType: 'AWS Outbound' } },
        terms: { OnDemand: { t: { priceDimensions: { a: { unit: 'GB', beginRange: '0', endRange: '10240', pricePerUnit: { USD: '0.09' } }, b: { unit: 'GB', beginRange: '10240', endRange: 'Inf', pricePerUnit: { USD: '0.085' } } } } } },
      }),
    )!;
    const tiers = onDemandTiers(entry, 'GB');
    expect(tieredCost(tiers, 50)).toBeCloseTo(4.5, 10);
    expect(tieredCost(tiers, 20480)).toBeCloseTo(10240 * 0.09 + 10240 * 0.085, 6);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(tieredCost(tiers, lo)).toBeLessThanOrEqual(tieredCost(tiers, hi) + 1e-9);
        expect(tieredCost(tiers, lo)).toBeCloseTo(lo <= 10240 ? lo * 0.09 : 10240 * 0.09 + (lo - 10240) * 0.085, 4);
      }),
    );
  });
});
