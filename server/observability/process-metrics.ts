/**
 * prom-client's default process and Node metrics (CPU, RSS, heap, file
 * descriptors, event-loop delay, GC), under their usual unprefixed names
 * (`process_*`, `nodejs_*`) so stock Node dashboards read them too. They are
 * collected once per process and registered in each registry that asks: tests
 * run many systems in one process, and each collectDefaultMetrics call would
 * start another event-loop monitor and GC observer that is never stopped.
 */
import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';

let processRegistry: Registry | null = null;

export function registerProcessMetrics(registry: Registry): void {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  // getMetricsAsArray returns the metric objects themselves (typed as their plain description); one metric may sit in many registries.
  for (const metric of processRegistry.getMetricsAsArray() as unknown as Metric[]) registry.registerMetric(metric);
}
