/**
 * `Microsoft.Network/routeTables` and their `routes`: PUT, GET, list, DELETE. Subnets name their
 * route table (`properties.routeTable.id`, see `virtual-network-handlers.ts`); a table that
 * subnets use cannot be deleted: 400 `InUseRouteTableCannotBeDeleted`, "Route table {name} is in
 * use and cannot be deleted." (network RP wording as Terraform logs quote it, read 2026-12).
 *
 * A route (learn.microsoft.com "Virtual network traffic routing", "User-defined routes", read
 * 2026-12) has an address prefix and a next hop type: `VirtualNetworkGateway`, `VnetLocal`,
 * `Internet`, `VirtualAppliance` (with `nextHopIpAddress`) or `None`; `VNetPeering` and
 * `VirtualNetworkServiceEndpoint` are system routes a user route cannot name. A next hop IP with
 * another type, or a missing one for `VirtualAppliance`, is 400 `InvalidRoute` (the emulator's
 * code; no public source quotes ARM's).
 */
import { randomUUID } from 'node:crypto';
import { isIpAddress } from '../../../provider/cidr.js';
import { ArmError, missingParameter } from './arm-error.js';
import { resourceNotFound, type ArmAnswer, type ArmCall } from './arm-call.js';
import { pagedList } from './list-paging.js';
import { networkDeleteAnswer, networkPutAnswer } from './network-common.js';
import type { BodyField } from './request-body.js';
import { idKey } from './resource-id.js';
import { readPrefix, refuseWhileBusy, routingIdOf, routingPutBasics } from './virtual-network-gateway-common.js';
import { routingOf, type ArmRoute, type ArmRouteTable } from './virtual-network-gateway-state.js';

const NEXT_HOPS = ['VirtualNetworkGateway', 'VnetLocal', 'Internet', 'VirtualAppliance', 'None'];

function readRoute(call: ArmCall, field: BodyField, tableId: string, name: string): ArmRoute {
  const props = field.get('properties');
  const id = `${tableId}/routes/${name}`;
  const prefix = readPrefix(props.get('addressPrefix').string(), id).text;
  const sentType = props.get('nextHopType').string();
  if (sentType === undefined) throw missingParameter(`${props.target}.nextHopType`);
  const nextHopType = NEXT_HOPS.find((t) => t.toLowerCase() === sentType.toLowerCase());
  if (nextHopType === undefined) {
    throw new ArmError(400, 'InvalidRoute', `Route ${id} has next hop type '${sentType}', which a user-defined route cannot have; use one of ${NEXT_HOPS.join(', ')}.`, { details: [] });
  }
  const nextHopIpAddress = props.get('nextHopIpAddress').string();
  if (nextHopType === 'VirtualAppliance' && (nextHopIpAddress === undefined || !isIpAddress(nextHopIpAddress))) {
    throw new ArmError(400, 'InvalidRoute', `Route ${id} has next hop type VirtualAppliance and needs a valid nextHopIpAddress.`, { details: [] });
  }
  if (nextHopType !== 'VirtualAppliance' && nextHopIpAddress !== undefined && nextHopIpAddress !== '') {
    throw new ArmError(400, 'InvalidRoute', `Route ${id} has next hop type ${nextHopType}, which takes no nextHopIpAddress.`, { details: [] });
  }
  return {
    name,
    id,
    etag: call.state.networkEtag(),
    type: 'Microsoft.Network/routeTables/routes',
    properties: { provisioningState: 'Succeeded', addressPrefix: prefix, nextHopType, ...(nextHopType === 'VirtualAppliance' ? { nextHopIpAddress } : {}), hasBgpOverride: false },
  };
}

/** PUT a route table (with the routes it lists). */
export function putRouteTable(call: ArmCall): ArmAnswer {
  const { location, tags } = routingPutBasics(call, 'routeTables');
  const id = routingIdOf(call, 'routeTables', 'routeTableName');
  const routing = routingOf(call.state);
  const existing = routing.routeTables.get(idKey(id));
  if (existing) refuseWhileBusy(call, existing.id, existing.location);
  const tableId = existing?.id ?? id;
  const props = call.body().get('properties');
  const routes = props.get('routes').items().map((f) => {
    const name = f.get('name').string();
    if (name === undefined) throw missingParameter(`${f.target}.name`);
    return readRoute(call, f, tableId, name);
  });
  const table: ArmRouteTable = {
    id: tableId,
    name: existing?.name ?? call.param('routeTableName'),
    type: 'Microsoft.Network/routeTables',
    location: existing?.location ?? location,
    ...(tags ? { tags } : {}),
    etag: call.state.networkEtag(),
    properties: {
      provisioningState: 'Succeeded',
      resourceGuid: existing?.properties.resourceGuid ?? randomUUID(),
      disableBgpRoutePropagation: props.get('disableBgpRoutePropagation').boolean() ?? false,
      routes,
      ...(existing?.properties.subnets ? { subnets: existing.properties.subnets } : {}),
    },
  };
  routing.routeTables.set(idKey(tableId), table);
  return networkPutAnswer(call, existing === undefined, table);
}

function tableOf(call: ArmCall): ArmRouteTable {
  const table = routingOf(call.state).routeTables.get(idKey(routingIdOf(call, 'routeTables', 'routeTableName')));
  if (!table) throw resourceNotFound('Microsoft.Network/routeTables', call.param('routeTableName'), call.group().name);
  return table;
}

/** GET a route table. */
export function getRouteTable(call: ArmCall): ArmAnswer {
  return { status: 200, body: tableOf(call) };
}

/** GET the route tables of a resource group. */
export function listRouteTables(call: ArmCall): ArmAnswer {
  const prefix = idKey(`${call.group().id}/providers/Microsoft.Network/routeTables/`);
  return pagedList(call, [...routingOf(call.state).routeTables.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v), (v) => v);
}

/** DELETE a route table (refused while subnets use it). */
export function deleteRouteTable(call: ArmCall): ArmAnswer {
  const routing = routingOf(call.state);
  const table = routing.routeTables.get(idKey(routingIdOf(call, 'routeTables', 'routeTableName')));
  if (!table) return { status: 204 };
  refuseWhileBusy(call, table.id, table.location);
  if ((table.properties.subnets?.length ?? 0) > 0) throw new ArmError(400, 'InUseRouteTableCannotBeDeleted', `Route table ${table.name} is in use and cannot be deleted.`, { details: [] });
  return networkDeleteAnswer(call, table, () => routing.routeTables.delete(idKey(table.id)));
}

/** PUT a route. */
export function putRoute(call: ArmCall): ArmAnswer {
  const table = tableOf(call);
  const name = call.param('routeName');
  const index = table.properties.routes.findIndex((r) => r.name.toLowerCase() === name.toLowerCase());
  const route = readRoute(call, call.body(), table.id, table.properties.routes[index]?.name ?? name);
  if (index >= 0) refuseWhileBusy(call, route.id, table.location);
  if (index >= 0) table.properties.routes[index] = route;
  else table.properties.routes.push(route);
  return networkPutAnswer(call, index < 0, { ...route, location: table.location });
}

/** GET a route. */
export function getRoute(call: ArmCall): ArmAnswer {
  const table = tableOf(call);
  const name = call.param('routeName');
  const route = table.properties.routes.find((r) => r.name.toLowerCase() === name.toLowerCase());
  if (!route) throw new ArmError(404, 'NotFound', `Resource ${table.id}/routes/${name} not found.`, { details: [] });
  return { status: 200, body: route };
}

/** GET the routes of a table. */
export function listRoutes(call: ArmCall): ArmAnswer {
  return pagedList(call, tableOf(call).properties.routes, (r) => r);
}

/** DELETE a route. */
export function deleteRoute(call: ArmCall): ArmAnswer {
  const table = tableOf(call);
  const name = call.param('routeName');
  const route = table.properties.routes.find((r) => r.name.toLowerCase() === name.toLowerCase());
  if (!route) return { status: 204 };
  return networkDeleteAnswer(call, { location: table.location, id: route.id, properties: route.properties }, () => {
    table.properties.routes = table.properties.routes.filter((r) => r !== route);
  });
}
