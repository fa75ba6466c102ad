/**
 * Read-only views of what the Compute Engine emulator stores, so tests can prove wire bodies:
 * each resource as the REST API returns it, and each instance's insert body exactly as the client
 * sent it (machine type, disks with type and size, scheduling, labels, metadata with `user-data`
 * and `ssh-keys`, network interfaces and access configs, accelerators, service accounts). The
 * views are frozen copies: they cannot change the emulator's state.
 */
import type { GceDisk, GceImage, GceInstance, GceJsonObject, GceOperation, GceSnapshot } from './gce-shapes.js';
import type { GceState } from './gce-state.js';

/** A deeply read-only value. */
export type GceReadonly<T> = T extends (infer U)[] ? readonly GceReadonly<U>[] : T extends object ? { readonly [K in keyof T]: GceReadonly<T[K]> } : T;

/** A deeply frozen copy of `value`. @internal */
export function frozen<T>(value: T): GceReadonly<T> {
  const copy = structuredClone(value);
  const freeze = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) return;
    Object.freeze(v);
    for (const child of Object.values(v)) freeze(child);
  };
  freeze(copy);
  return copy as GceReadonly<T>;
}

/** Read-only views of the emulated project. */
export class GceStateViews {
  /**
   * Views of `state`. Made by the emulator (`emu.state`).
   *
   * @internal
   */
  constructor(private readonly state: GceState) {}

  private find(name: string, zone: string | undefined): ReturnType<GceState['instances']['get']> {
    this.state.advance();
    if (zone !== undefined) return this.state.instances.get(`${zone}/${name}`);
    return [...this.state.instances.values()].find((i) => i.name === name);
  }

  /** An instance (by name, in `zone` or the first zone that has one) as `instances.get` returns it. */
  instance(name: string, zone?: string): GceReadonly<GceInstance> | undefined {
    const found = this.find(name, zone);
    return found ? frozen(this.state.renderInstance(found)) : undefined;
  }

  /** The insert body of an instance, exactly as the client sent it. */
  instanceInsert(name: string, zone?: string): GceReadonly<GceJsonObject> | undefined {
    const found = this.find(name, zone);
    return found ? frozen(found.sent) : undefined;
  }

  /** Every instance (of one zone when given), sorted by zone and name. */
  instances(zone?: string): GceReadonly<GceInstance>[] {
    this.state.advance();
    return [...this.state.instances.values()]
      .filter((i) => zone === undefined || i.zone === zone)
      .sort((a, b) => a.zone.localeCompare(b.zone) || a.name.localeCompare(b.name))
      .map((i) => frozen(this.state.renderInstance(i)));
  }

  /** A disk (by name, in `zone` or the first zone that has one). */
  disk(name: string, zone?: string): GceReadonly<GceDisk> | undefined {
    const found = zone !== undefined ? this.state.disks.get(`${zone}/${name}`) : [...this.state.disks.values()].find((d) => d.name === name);
    return found ? frozen(this.state.renderDisk(found)) : undefined;
  }

  /** Every disk. */
  disks(): GceReadonly<GceDisk>[] {
    return [...this.state.disks.values()].map((d) => frozen(this.state.renderDisk(d)));
  }

  /** The images of the emulated project (or of a public image project). */
  images(project: string = this.state.project): GceReadonly<GceImage>[] {
    this.state.advance();
    return [...this.state.images.values()].filter((i) => i.project === project).map((i) => frozen(this.state.renderImage(i)));
  }

  /** Every snapshot. */
  snapshots(): GceReadonly<GceSnapshot>[] {
    this.state.advance();
    return [...this.state.snapshots.values()].map((s) => frozen(this.state.renderSnapshot(s)));
  }

  /** Every zone and global operation, oldest first. */
  operations(): GceReadonly<GceOperation>[] {
    this.state.advance();
    return this.state.operations.all().map(frozen);
  }
}
