/**
 * Catalog actions: DescribeRegions, DescribeAvailabilityZones, DescribeInstanceTypes,
 * DescribeInstanceTypeOfferings, DescribeSpotPriceHistory, and DescribeVolumes for reading
 * disks back. Shapes per the EC2 API Reference (read 2026-11).
 */
import { matchesAll, pageSize, paginate, spotPriceOf, type ActionHandler } from './action-support.js';
import { Ec2ApiError } from './ec2-api-error.js';
import { INSTANCE_TYPES } from './ec2-state.js';
import { volumeXml } from './instance-xml.js';
import { filtersOf, textListOf, textOf } from './query-request.js';
import type { XmlValue } from './xml-writer.js';

/** The `DescribeRegions` action. */
export const describeRegions: ActionHandler = (ctx, params) => {
  const names = textListOf(params.RegionName);
  const unknown = names.find((n) => !ctx.state.regions.has(n));
  if (unknown !== undefined) throw new Ec2ApiError('InvalidParameterValue', `Invalid region: ${unknown}`);
  const filters = filtersOf(params);
  const regions = [...ctx.state.regions.values()].filter(
    (r) => (names.length === 0 || names.includes(r.name)) && matchesAll(filters, r, (name, x) => (name === 'region-name' ? x.name : name === 'opt-in-status' ? 'opt-in-not-required' : undefined)),
  );
  return { regionInfo: regions.map((r) => ({ regionName: r.name, regionEndpoint: `ec2.${r.name}.amazonaws.com`, optInStatus: 'opt-in-not-required' })) };
};

/** The `DescribeAvailabilityZones` action. */
export const describeAvailabilityZones: ActionHandler = (ctx, params) => {
  const region = ctx.state.regions.get(ctx.region)!;
  const names = textListOf(params.ZoneName);
  const filters = filtersOf(params);
  const zones = region.zones
    .map((letter, i) => ({ zoneName: region.name + letter, zoneId: `${region.name.replace(/^(\w)\w*-(\w)\w*-(\d)$/, '$1$2$3')}-az${i + 1}` }))
    .filter((z) => (names.length === 0 || names.includes(z.zoneName)) && matchesAll(filters, z, (name, x) => {
        switch (name) {
          case 'zone-name':
            return x.zoneName;
          case 'zone-id':
            return x.zoneId;
          case 'region-name':
          case 'group-name':
            return region.name;
          case 'state':
            return 'available';
          case 'zone-type':
            return 'availability-zone';
          case 'opt-in-status':
            return 'opt-in-not-required';
          default:
            throw new Ec2ApiError('InvalidParameterValue', `The filter '${name}' is invalid`);
        }
      }));
  return {
    availabilityZoneInfo: zones.map((z) => ({
      zoneName: z.zoneName,
      zoneId: z.zoneId,
      zoneState: 'available',
      regionName: region.name,
      groupName: region.name,
      networkBorderGroup: region.name,
      zoneType: 'availability-zone',
      optInStatus: 'opt-in-not-required',
      messageSet: [],
    })),
  };
};

/** The `DescribeInstanceTypes` action. */
export const describeInstanceTypes: ActionHandler = (ctx, params) => {
  const names = textListOf(params.InstanceType);
  const unknown = names.filter((n) => !INSTANCE_TYPES.has(n));
  if (unknown.length > 0) throw new Ec2ApiError('InvalidInstanceType', `The following supplied instance types do not exist: [${unknown.join(', ')}]`);
  const size = pageSize(params, 5, 100);
  const filters = filtersOf(params);
  const types = [...INSTANCE_TYPES.values()].filter(
    (t) =>
      (names.length === 0 || names.includes(t.name)) &&
      matchesAll(filters, t, (name, x) => {
        switch (name) {
          case 'instance-type':
            return x.name;
          case 'processor-info.supported-architecture':
            return x.arch;
          case 'vcpu-info.default-vcpus':
            return String(x.vcpus);
          case 'current-generation':
            return 'true';
          default:
            throw new Ec2ApiError('InvalidParameterValue', `The filter '${name}' is invalid`);
        }
      }),
  );
  const { page, nextToken } = paginate(types, params, size ?? 100);
  return {
    instanceTypeSet: page.map((t) => ({
      instanceType: t.name,
      currentGeneration: true,
      freeTierEligible: t.name === 't3.micro',
      supportedUsageClasses: ['on-demand', 'spot'],
      supportedRootDeviceTypes: ['ebs'],
      supportedVirtualizationTypes: ['hvm'],
      bareMetal: false,
      hypervisor: 'nitro',
      processorInfo: { supportedArchitectures: [t.arch], manufacturer: t.arch === 'arm64' ? 'AWS' : 'Intel' },
      vCpuInfo: { defaultVCpus: t.vcpus, defaultCores: Math.max(1, t.vcpus / 2), defaultThreadsPerCore: t.vcpus > 1 ? 2 : 1 },
      memoryInfo: { sizeInMiB: t.memoryMiB },
      instanceStorageSupported: false,
      ebsInfo: { ebsOptimizedSupport: 'default', encryptionSupport: 'supported', nvmeSupport: 'required' },
      networkInfo: { networkPerformance: t.vcpus >= 8 ? 'Up to 10 Gigabit' : 'Up to 5 Gigabit', maximumNetworkInterfaces: 3, ipv6Supported: true, enaSupport: 'required' },
      gpuInfo: t.gpu
        ? { gpus: [{ name: t.gpu.name, manufacturer: t.gpu.manufacturer, count: t.gpu.count, memoryInfo: { sizeInMiB: t.gpu.memoryMiB } }], totalGpuMemoryInMiB: t.gpu.memoryMiB * t.gpu.count }
        : undefined,
    })),
    nextToken,
  };
};

/** The `DescribeInstanceTypeOfferings` action. */
export const describeInstanceTypeOfferings: ActionHandler = (ctx, params) => {
  const locationType = textOf(params.LocationType) ?? 'region';
  if (locationType !== 'region' && locationType !== 'availability-zone') throw new Ec2ApiError('InvalidParameterValue', `Invalid LocationType: ${locationType}`);
  const size = pageSize(params, 5, 1000);
  const filters = filtersOf(params);
  const rows: { instanceType: string; locationType: string; location: string }[] = [];
  for (const type of INSTANCE_TYPES.keys()) {
    if (locationType === 'region') rows.push({ instanceType: type, locationType, location: ctx.region });
    else for (const zone of ctx.state.zonesOf(ctx.region)) if (ctx.state.isOffered(zone, type)) rows.push({ instanceType: type, locationType, location: zone });
  }
  const matching = rows.filter((r) => matchesAll(filters, r, (name, x) => (name === 'location' ? x.location : name === 'instance-type' ? x.instanceType : undefined)));
  const { page, nextToken } = paginate(matching, params, size);
  return { instanceTypeOfferingSet: page, nextToken };
};

/** The `DescribeSpotPriceHistory` action. */
export const describeSpotPriceHistory: ActionHandler = (ctx, params) => {
  const types = textListOf(params.InstanceType);
  const products = textListOf(params.ProductDescription);
  const zone = textOf(params.AvailabilityZone);
  const size = pageSize(params, 1, 1000);
  const timestamp = new Date(ctx.state.now() - 60_000);
  const rows: XmlValue[] = [];
  const zones = ctx.state.zonesOf(ctx.region).filter((z) => zone === undefined || z === zone);
  const filters = filtersOf(params);
  for (const z of zones) {
    for (const t of INSTANCE_TYPES.keys()) {
      if (types.length > 0 && !types.includes(t)) continue;
      if (!ctx.state.isOffered(z, t)) continue;
      for (const product of ['Linux/UNIX', 'Linux/UNIX (Amazon VPC)']) {
        if (products.length > 0 && !products.includes(product)) continue;
        const row = { availabilityZone: z, instanceType: t, productDescription: product, spotPrice: spotPriceOf(ctx, z, t)!.toFixed(6), timestamp };
        if (!matchesAll(filters, row, (name, x) => (name === 'availability-zone' ? x.availabilityZone : name === 'instance-type' ? x.instanceType : name === 'product-description' ? x.productDescription : undefined))) continue;
        rows.push(row);
      }
    }
  }
  const { page, nextToken } = paginate(rows, params, size);
  return { spotPriceHistorySet: page, nextToken: nextToken ?? '' };
};

/** The `DescribeVolumes` action. */
export const describeVolumes: ActionHandler = (ctx, params) => {
  const ids = textListOf(params.VolumeId);
  const filters = filtersOf(params);
  const size = pageSize(params, 5, 500);
  ctx.state.advanceAll();
  const volumes = [...ctx.state.volumes.values()].filter(
    (v) =>
      v.region === ctx.region &&
      v.state !== 'deleted' &&
      (ids.length === 0 || ids.includes(v.volumeId)) &&
      matchesAll(filters, v, (name, x) => (name === 'attachment.instance-id' ? x.attachedTo : name === 'volume-id' ? x.volumeId : name === 'volume-type' ? x.volumeType : name.startsWith('tag:') ? x.tags.get(name.slice(4)) : undefined)),
  );
  const missing = ids.find((id) => !volumes.some((v) => v.volumeId === id));
  if (missing !== undefined) throw new Ec2ApiError('InvalidVolume.NotFound', `The volume '${missing}' does not exist.`);
  const { page, nextToken } = paginate(volumes, params, size);
  return { volumeSet: page.map(volumeXml), nextToken };
};

/** Every action the emulator answers. */
