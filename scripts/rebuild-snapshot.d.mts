// Types of scripts/rebuild-snapshot.mjs, for its test.
export declare function parseCsv(text: string): Array<Record<string, string>>;
export declare function snapshotRows(
  records: ReadonlyArray<Record<string, string>>,
  options: {
    cloud: string;
    base: string;
    types: readonly string[];
    buckets: Readonly<Record<string, string>>;
    families: Readonly<Record<string, string>>;
    regions: readonly string[];
    regionRatios: Readonly<Record<string, number>>;
    source?: string;
  },
): string;
