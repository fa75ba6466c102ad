/**
 * The network actions beyond describing VPCs, subnets and security groups: the VPC and subnet
 * lifecycle, route tables, internet gateways, tags, site-to-site VPN and VPC peering. Kept in
 * one table that `ec2-actions.ts` spreads into the emulator's.
 */
import type { ActionHandler } from './action-support.js';
import {
  attachInternetGateway,
  createInternetGateway,
  deleteInternetGateway,
  describeInternetGateways,
  detachInternetGateway,
} from './internet-gateway-actions.js';
import { createSubnet, createVpc, deleteSubnet, deleteVpc } from './network-actions.js';
import {
  acceptVpcPeeringConnection,
  createVpcPeeringConnection,
  deleteVpcPeeringConnection,
  describeVpcPeeringConnections,
  rejectVpcPeeringConnection,
} from './peering-actions.js';
import { createRoute, deleteRoute, describeRouteTables } from './route-table-actions.js';
import { createTags, deleteTags } from './tag-actions.js';
import {
  createVpnConnection,
  createVpnConnectionRoute,
  deleteVpnConnection,
  deleteVpnConnectionRoute,
  describeVpnConnections,
} from './vpn-connection-actions.js';
import { createCustomerGateway, deleteCustomerGateway, describeCustomerGateways } from './vpn-customer-gateway-actions.js';
import { attachVpnGateway, createVpnGateway, deleteVpnGateway, describeVpnGateways, detachVpnGateway } from './vpn-gateway-actions.js';

/** VPC, routing, VPN and peering actions, by name. */
export const NETWORK_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  CreateVpc: createVpc,
  DeleteVpc: deleteVpc,
  CreateSubnet: createSubnet,
  DeleteSubnet: deleteSubnet,
  DescribeRouteTables: describeRouteTables,
  CreateRoute: createRoute,
  DeleteRoute: deleteRoute,
  CreateInternetGateway: createInternetGateway,
  AttachInternetGateway: attachInternetGateway,
  DetachInternetGateway: detachInternetGateway,
  DeleteInternetGateway: deleteInternetGateway,
  DescribeInternetGateways: describeInternetGateways,
  CreateTags: createTags,
  DeleteTags: deleteTags,
  CreateVpnGateway: createVpnGateway,
  AttachVpnGateway: attachVpnGateway,
  DetachVpnGateway: detachVpnGateway,
  DeleteVpnGateway: deleteVpnGateway,
  DescribeVpnGateways: describeVpnGateways,
  CreateCustomerGateway: createCustomerGateway,
  DeleteCustomerGateway: deleteCustomerGateway,
  DescribeCustomerGateways: describeCustomerGateways,
  CreateVpnConnection: createVpnConnection,
  DeleteVpnConnection: deleteVpnConnection,
  DescribeVpnConnections: describeVpnConnections,
  CreateVpnConnectionRoute: createVpnConnectionRoute,
  DeleteVpnConnectionRoute: deleteVpnConnectionRoute,
  CreateVpcPeeringConnection: createVpcPeeringConnection,
  AcceptVpcPeeringConnection: acceptVpcPeeringConnection,
  RejectVpcPeeringConnection: rejectVpcPeeringConnection,
  DeleteVpcPeeringConnection: deleteVpcPeeringConnection,
  DescribeVpcPeeringConnections: describeVpcPeeringConnections,
};
