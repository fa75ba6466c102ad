// Notebook-style use: a script of small cells with top-level await, each printing what a person
// wants to read — the cheapest instances for a shape, what each placement strategy decides and
// why, a cost forecast — with every price's source and date. Paste cells into a Node REPL
// (`node --experimental-repl-await`) or a JavaScript notebook, or run the whole file:
// `npm run build && node examples/notebook.mjs`.
import { CostOptimizer, createMemoryProvider, FederationManager, PLACEMENT_STRATEGIES } from 'novacron';

const money = (n) => `$${n.toFixed(n < 1 ? 4 : 2)}`;
const table = (rows) => console.table(rows);

// %% 1. The cheapest 4 vCPU / 16 GiB instances on AWS, Azure and GCP (bundled list prices)
const optimizer = new CostOptimizer();
const recommendations = await optimizer.recommendInstanceType({ cpu: 4, memory: '16Gi', limit: 5 });
table(
  recommendations.map((r) => ({
    cloud: r.provider,
    region: r.region,
    type: r.instanceType,
    'on-demand/h': money(r.onDemandHourly),
    'spot/h': r.spot ? money(r.spot.hourly) : '-',
    'spot interruptions': r.spot?.interruption ?? '-',
    '3y reserved/h': money(r.reserved.find((o) => o.term === '3y')?.hourly ?? r.onDemandHourly),
    'gCO2e/h': Math.round(r.carbonGramsPerHour),
  })),
);
const [best] = recommendations;
console.log(`prices: ${best.source} as of ${best.asOf}${best.priceAge.stale ? ` — ${best.priceAge.warning}` : ''}`);

// %% 2. The same spec on each cloud, with disk and egress: what a month costs
const comparison = await optimizer.compare({ name: 'api', cpu: 4, memory: '16Gi', disk: '100Gi', egressGBPerMonth: 200 });
for (const c of comparison.entries) {
  const { compute, storage, network } = c.estimate.breakdown;
  console.log(`${c.provider.padEnd(6)} ${c.instanceType.padEnd(18)} ${money(c.estimate.monthly).padStart(8)}/month = compute ${money(compute)} + disk ${money(storage)} + egress ${money(network)}`);
}
console.log(`cheapest: ${comparison.cheapest?.provider} ${comparison.cheapest?.instanceType}`);

// %% 3. A federation, and what every placement strategy decides for one VM
const manager = new FederationManager({
  providers: [
    { provider: createMemoryProvider({ name: 'aws-east', kind: 'aws', regions: ['us-east-1', 'us-west-2'] }), defaults: { spotEnabled: true } },
    createMemoryProvider({ name: 'azure-west', kind: 'azure', regions: ['westus2'] }),
    createMemoryProvider({ name: 'gcp-central', kind: 'gcp', regions: ['us-central1', 'europe-west1'] }),
  ],
  policies: [{ name: 'batch-on-spot', priority: 50, condition: { type: 'workload', value: 'batch' }, action: { type: 'prefer', providers: ['spot-instances'] } }],
});
const describe = (c) => `${c.provider} ${c.region} ${c.instanceType}${c.spotReason ? ' (spot)' : ''} ${money(c.hourlyPrice)}/h, score ${c.score.toFixed(3)}`;
const vm = { name: 'api', cpu: 4, memory: '16Gi' };
for (const strategy of PLACEMENT_STRATEGIES) {
  const decision = await manager.place(vm, { request: { strategy }, explain: false });
  console.log(`${strategy.padEnd(15)} → ${describe(decision.chosen)}`);
}
// A batch job: the policy prefers spot capacity (where a provider allows it) and says so in the score.
const batch = await manager.place({ ...vm, name: 'report', labels: { workload: 'batch' } }, { request: { strategy: 'balanced' } });
console.log(`batch, balanced → ${describe(batch.chosen)}; bonuses: ${batch.chosen.bonuses.map((b) => `${b.policy} +${b.weight}`).join(', ') || 'none'}`);

// %% 4. Why: the full explanation of one decision, constraints included
const near = await manager.place(vm, {
  request: { strategy: 'balanced', constraints: [{ type: 'region', operator: 'near', value: 'us-east-1', maxLatencyMs: 40 }] },
});
console.log(near.explain(8));

// %% 5. What the VM will cost over 30 days, always on (no usage history yet)
const forecast = await optimizer.predictCost(vm, 30 * 24);
console.log(`30 days on ${forecast.cheapestProvider}: ${money(forecast.point)} (${money(forecast.lower)}–${money(forecast.upper)}, ${Math.round(forecast.level * 100)} % interval, model ${forecast.model})`);
for (const p of forecast.providers) console.log(`  ${p.provider.padEnd(6)} ${p.instanceType.padEnd(18)} ${money(p.point)}  (${p.source}, ${p.asOf})`);
for (const warning of forecast.priceWarnings) console.log(`  note: ${warning}`);
