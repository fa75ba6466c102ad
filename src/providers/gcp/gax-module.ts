/**
 * The google-gax module the clients are built with: the very copy `@google-cloud/compute` loads
 * (resolved from its own location), with one difference. Each client method of
 * `@google-cloud/compute` 7.8, when a call fails with status details (`RetryInfo`, `ErrorInfo`:
 * every 429 and most 4xx answers of Compute Engine), decodes them against
 * `protobuf.Root.fromJSON(jsonProtos)` built afresh from the library's protos.json, about 1.5–2 s of
 * synchronous CPU per error (measured here, Node 20: 2.1 s cold, 1.5 s warm). Under throttling that
 * serializes a whole process: ten concurrent throttled reads took 12 s. The instance handed to the
 * clients returns one `Root` per JSON document instead (the decoding only looks types up, so a
 * shared root is safe); nothing else of the module changes, and nothing global is touched.
 */
import { createRequire } from 'node:module';

type Json = object;
interface ProtobufLike {
  readonly Root: { fromJSON(json: Json, root?: unknown): unknown };
}
interface GaxLike {
  readonly fallback: { readonly protobuf: ProtobufLike };
}

/** google-gax as `@google-cloud/compute` resolves it, with decoding roots built once; `undefined` when it cannot be found (the clients then load their own). */
export function loadGaxModule(): unknown {
  let gax: GaxLike;
  try {
    const fromCompute = createRequire(createRequire(import.meta.url).resolve('@google-cloud/compute'));
    gax = fromCompute('google-gax') as GaxLike;
  } catch {
    return undefined;
  }
  const roots = new WeakMap<Json, unknown>();
  const base = gax.fallback.protobuf.Root;
  const Root = Object.create(base, {
    fromJSON: {
      value: (json: Json, root?: unknown): unknown => {
        if (root !== undefined || typeof json !== 'object' || json === null) return base.fromJSON(json, root);
        let built = roots.get(json);
        if (built === undefined) roots.set(json, (built = base.fromJSON(json)));
        return built;
      },
    },
  }) as ProtobufLike['Root'];
  const protobuf = Object.create(gax.fallback.protobuf, { Root: { value: Root } }) as ProtobufLike;
  const fallback = Object.create(gax.fallback, { protobuf: { value: protobuf } }) as GaxLike['fallback'];
  return Object.create(gax, { fallback: { value: fallback } }) as GaxLike;
}
