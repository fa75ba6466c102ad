/**
 * Reading the AWS Price List Query API. GetProducts answers with `PriceList`, an array of JSON
 * *strings*, each one product with `product.attributes` and `terms.OnDemand` /
 * `terms.Reserved`, whose `priceDimensions` carry `unit` and `pricePerUnit.USD` (Price List
 * Query API reference and the "aws_v1" format, read 2026-11). Reserved terms split the price
 * into an upfront fee (`unit: Quantity`) and an hourly rate; we amortize the fee over the term.
 */

/** Hours in a one-year and a three-year reservation term. */
export const TERM_HOURS = { '1yr': 8760, '3yr': 26280 } as const;

interface PriceDimension {
  unit?: string;
  beginRange?: string;
  endRange?: string;
  pricePerUnit?: Record<string, string>;
}

interface PriceTerm {
  termAttributes?: Record<string, string>;
  priceDimensions?: Record<string, PriceDimension>;
}

/** One parsed price-list product. */
export interface PriceListEntry {
  /** `product.productFamily`, e.g. `Compute Instance`, `Storage`, `Data Transfer`. */
  readonly productFamily: string;
  /** `product.attributes`. */
  readonly attributes: Readonly<Record<string, string>>;
  /** `terms.OnDemand`, by term code. */
  readonly onDemand: readonly PriceTerm[];
  /** `terms.Reserved`, by term code. */
  readonly reserved: readonly PriceTerm[];
  /** `publicationDate`, when present. */
  readonly publicationDate: string | undefined;
}

/** Parses one `PriceList` string; `undefined` when it is not a product document. */
export function parsePriceListItem(text: string): PriceListEntry | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as { product?: { productFamily?: string; attributes?: Record<string, string> }; terms?: { OnDemand?: Record<string, PriceTerm>; Reserved?: Record<string, PriceTerm> }; publicationDate?: string };
  if (!d.product?.attributes) return undefined;
  return {
    productFamily: d.product.productFamily ?? '',
    attributes: d.product.attributes,
    onDemand: Object.values(d.terms?.OnDemand ?? {}),
    reserved: Object.values(d.terms?.Reserved ?? {}),
    publicationDate: d.publicationDate,
  };
}

function usd(dim: PriceDimension | undefined): number | undefined {
  const text = dim?.pricePerUnit?.USD;
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/** The on-demand price per `unit` (first dimension in that unit), e.g. `Hrs` or `GB-Mo`. */
export function onDemandPrice(entry: PriceListEntry, unit: string): number | undefined {
  for (const term of entry.onDemand) {
    for (const dim of Object.values(term.priceDimensions ?? {})) {
      if (dim.unit === unit) {
        const p = usd(dim);
        if (p !== undefined) return p;
      }
    }
  }
  return undefined;
}

/** A tier of a tiered price (`beginRange`..`endRange`, per unit). */
export interface PriceTier {
  /** Start of the tier, in units. */
  readonly from: number;
  /** End of the tier, in units (`Infinity` for the last). */
  readonly to: number;
  /** Price per unit inside the tier. */
  readonly price: number;
}

/** The on-demand tiers of a tiered product (data transfer), sorted. */
export function onDemandTiers(entry: PriceListEntry, unit: string): PriceTier[] {
  const tiers: PriceTier[] = [];
  for (const term of entry.onDemand) {
    for (const dim of Object.values(term.priceDimensions ?? {})) {
      const price = usd(dim);
      if (dim.unit !== unit || price === undefined) continue;
      const from = Number(dim.beginRange ?? 0);
      const to = dim.endRange === undefined || dim.endRange === 'Inf' ? Infinity : Number(dim.endRange);
      tiers.push({ from, to, price });
    }
  }
  return tiers.sort((a, b) => a.from - b.from);
}

/** Cost of `quantity` units under tiered pricing. */
export function tieredCost(tiers: readonly PriceTier[], quantity: number): number {
  let cost = 0;
  for (const t of tiers) {
    if (quantity <= t.from) break;
    cost += (Math.min(quantity, t.to) - t.from) * t.price;
  }
  return cost;
}

/**
 * The cheapest effective hourly price of a standard reservation of `length`, the upfront fee
 * amortized over the term's hours; `undefined` when none is sold.
 */
export function reservedEffectiveHourly(entry: PriceListEntry, length: '1yr' | '3yr'): number | undefined {
  let best: number | undefined;
  for (const term of entry.reserved) {
    const attrs = term.termAttributes ?? {};
    if (attrs.LeaseContractLength !== length || (attrs.OfferingClass !== undefined && attrs.OfferingClass !== 'standard')) continue;
    let upfront = 0;
    let hourly = 0;
    for (const dim of Object.values(term.priceDimensions ?? {})) {
      const p = usd(dim) ?? 0;
      if (dim.unit === 'Quantity') upfront += p;
      else if (dim.unit === 'Hrs') hourly += p;
    }
    const effective = hourly + upfront / TERM_HOURS[length];
    if (effective > 0 && (best === undefined || effective < best)) best = effective;
  }
  return best;
}
