/**
 * Counters of the region's source traffic for the benchmark: wire requests
 * each emulator served (what a legacy system would see) and adapter-level
 * reads the subgraphs made (what the gateway's plan asked for), without
 * touching adapter or emulator code: the emulators count requests in their
 * shared Faults object, and the adapters the subgraphs get are wrapped.
 */
import type { SourceAdapter, VtjAdapter } from '../../domain/sourceAdapter.ts';
import type { InstanceId } from '../../domain/region.ts';
import type { SubgraphSources } from '../../scripts/region.ts';

/** Counts by instance and their total. */
export interface Counts {
  readonly byInstance: Record<string, number>;
  readonly total: number;
}

/** Adapter-level reads: readPersons calls and persons (keys) asked, by instance (VTJ as `vtj`). */
export interface ReadCounts extends Counts {
  readonly personsByInstance: Record<string, number>;
  readonly persons: number;
}

function total(byInstance: Record<string, number>): number {
  return Object.values(byInstance).reduce((a, b) => a + b, 0);
}

/**
 * Wire requests each emulator has answered (Faults.requests). Lifecare's
 * interface needs several SOAP operations for one person's read (one per
 * list, fees per year), so its counts exceed its reads.
 */
export function legacyCalls(requests: Partial<Record<InstanceId, number>>): Counts {
  const byInstance: Record<string, number> = {};
  for (const [id, n] of Object.entries(requests)) byInstance[id] = n ?? 0;
  return { byInstance, total: total(byInstance) };
}

/** Counts the reads of the adapters it wraps. */
export class ReadCounter {
  private readonly calls = new Map<InstanceId, number>();
  private readonly keys = new Map<InstanceId, number>();

  private count(instance: InstanceId, persons: number): void {
    this.calls.set(instance, (this.calls.get(instance) ?? 0) + 1);
    this.keys.set(instance, (this.keys.get(instance) ?? 0) + persons);
  }

  /** The same adapter, counting each readPersons call and the codes it asks. */
  wrapAdapter(adapter: SourceAdapter): SourceAdapter {
    return {
      instance: adapter.instance,
      product: adapter.product,
      readPersons: (hetus, options) => {
        this.count(adapter.instance, hetus.length);
        return adapter.readPersons(hetus, options);
      },
      listChanged: (since, options) => adapter.listChanged(since, options),
      close: () => adapter.close(),
    };
  }

  /** VTJ's adapter, counting likewise (instance `vtj`). */
  wrapVtj(vtj: VtjAdapter): VtjAdapter {
    return {
      instance: 'vtj',
      readPersons: (hetus, options) => {
        this.count('vtj', hetus.length);
        return vtj.readPersons(hetus, options);
      },
      close: () => vtj.close(),
    };
  }

  /** Wraps every adapter the subgraphs get (startRegionServices' `subgraphSources` hook). */
  readonly wrap = (sources: SubgraphSources): SubgraphSources => ({
    adapters: new Map([...sources.adapters].map(([id, a]) => [id, this.wrapAdapter(a)])),
    vtj: this.wrapVtj(sources.vtj),
  });

  /** The counts so far. */
  counts(): ReadCounts {
    const byInstance = Object.fromEntries(this.calls) as Record<string, number>;
    const personsByInstance = Object.fromEntries(this.keys) as Record<string, number>;
    return { byInstance, total: total(byInstance), personsByInstance, persons: total(personsByInstance) };
  }
}
