/**
 * Nova's microversion negotiation. A client asks with `OpenStack-API-Version: compute 2.79`
 * (from 2.27) or the older `X-OpenStack-Nova-API-Version: 2.79`; `latest` is the newest; no
 * header means 2.1. A malformed version is 400, one outside [2.1, 2.96] is 406 `computeFault`
 * "Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.96." Every answer
 * says the version used in both headers and `Vary` on them (nova `api/openstack/wsgi.py` and the
 * api-guide "Microversions", read 2026-12).
 */
import { OpenStackApiError } from './openstack-errors.js';

/** A compute API microversion. */
export interface Microversion {
  /** Major number (2). */
  readonly major: number;
  /** Minor number. */
  readonly minor: number;
}

/** Oldest and newest microversion served. */
export const MIN_MICROVERSION: Microversion = { major: 2, minor: 1 };
/** The newest microversion served (Nova 2024.1 "Caracal" ends at 2.96). */
export const MAX_MICROVERSION: Microversion = { major: 2, minor: 96 };

/** `2.79`. */
export function formatMicroversion(v: Microversion): string {
  return `${v.major}.${v.minor}`;
}

/** True when `v` is at least `major.minor`. */
export function atLeast(v: Microversion, minor: number, major = 2): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

function compare(a: Microversion, b: Microversion): number {
  return a.major - b.major || a.minor - b.minor;
}

/** The version asked for in the request headers, as text (`undefined` when none is). */
export function requestedMicroversion(header: (name: string) => string | undefined): string | undefined {
  const generic = header('openstack-api-version');
  if (generic !== undefined) {
    for (const part of generic.split(',')) {
      const [service, version] = part.trim().split(/\s+/);
      if (service?.toLowerCase() === 'compute' && version !== undefined) return version;
    }
  }
  return header('x-openstack-nova-api-version')?.trim();
}

/** Negotiates the microversion of a request; throws Nova's 400 or 406. */
export function negotiateMicroversion(requested: string | undefined): Microversion {
  if (requested === undefined) return MIN_MICROVERSION;
  if (requested.toLowerCase() === 'latest') return MAX_MICROVERSION;
  const m = /^([1-9]\d*)\.(0|[1-9]\d*)$/.exec(requested);
  if (!m) throw new OpenStackApiError(400, `API Version String ${requested} is of invalid format. Must be of format MajorNum.MinorNum.`);
  const version = { major: Number(m[1]), minor: Number(m[2]) };
  if (compare(version, MIN_MICROVERSION) < 0 || compare(version, MAX_MICROVERSION) > 0) {
    throw new OpenStackApiError(406, `Version ${requested} is not supported by the API. Minimum is ${formatMicroversion(MIN_MICROVERSION)} and maximum is ${formatMicroversion(MAX_MICROVERSION)}.`);
  }
  return version;
}

/** The headers every compute answer carries for the version used. */
export function microversionHeaders(v: Microversion): Record<string, string> {
  const text = formatMicroversion(v);
  return { 'openstack-api-version': `compute ${text}`, 'x-openstack-nova-api-version': text, vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version' };
}
