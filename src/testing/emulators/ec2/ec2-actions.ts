/**
 * The EC2 actions the emulator answers, by name. Handlers live beside this file by subject:
 * instances, images and snapshots, networks (VPCs, subnets, security groups), and the catalog
 * (regions, zones, types, prices, volumes).
 */
import type { ActionHandler } from './action-support.js';
import {
  describeAvailabilityZones,
  describeInstanceTypeOfferings,
  describeInstanceTypes,
  describeRegions,
  describeSpotPriceHistory,
  describeVolumes,
} from './catalog-actions.js';
import {
  copyImage,
  createImage,
  deleteSnapshot,
  deregisterImage,
  describeExportImageTasks,
  describeImages,
  describeImportImageTasks,
  describeSnapshots,
  exportImage,
  importImage,
} from './image-actions.js';
import { describeSecurityGroups, describeSubnets, describeVpcs } from './network-actions.js';
import { NETWORK_ACTIONS } from './network-action-table.js';
import { describeInstances, rebootInstances, runInstances, startInstances, stopInstances, terminateInstances } from './instance-actions.js';

export type { ActionContext, ActionHandler } from './action-support.js';

/** Every action the emulator answers. */
export const EC2_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  StartInstances: startInstances,
  StopInstances: stopInstances,
  RebootInstances: rebootInstances,
  TerminateInstances: terminateInstances,
  DescribeImages: describeImages,
  CreateImage: createImage,
  CopyImage: copyImage,
  DeregisterImage: deregisterImage,
  DescribeSnapshots: describeSnapshots,
  DeleteSnapshot: deleteSnapshot,
  ExportImage: exportImage,
  DescribeExportImageTasks: describeExportImageTasks,
  ImportImage: importImage,
  DescribeImportImageTasks: describeImportImageTasks,
  DescribeRegions: describeRegions,
  DescribeAvailabilityZones: describeAvailabilityZones,
  DescribeInstanceTypes: describeInstanceTypes,
  DescribeInstanceTypeOfferings: describeInstanceTypeOfferings,
  DescribeSpotPriceHistory: describeSpotPriceHistory,
  DescribeVolumes: describeVolumes,
  DescribeVpcs: describeVpcs,
  DescribeSubnets: describeSubnets,
  DescribeSecurityGroups: describeSecurityGroups,
  ...NETWORK_ACTIONS,
};
