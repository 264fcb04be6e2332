// Memory: the "web server ≤ 512 MB RSS under load; worker ≤ 256 MB". The runner samples
// both process trees every 250 ms from the start of the run (memory-sampler.ts), so the peaks
// cover every scenario before this one (webhook storm and drain included); this scenario adds a
// flat-out read load of its own, so the web figure is "under load" even with --only memory.
import { runLoad, type LoadRequest } from "../load";
import { runMemorySampler, startMemorySampler } from "../memory-sampler";
import type { Measurement, Scenario } from "../scenario";

export const scenario: Scenario = {
  id: "memory",
  title: "memory (peak RSS of web and worker)",
  run: async (context) => {
    const sampler = runMemorySampler() ?? startMemorySampler(context.processes);
    const headers = { cookie: context.cookie, "accept-encoding": "gzip" };
    const requests: LoadRequest[] = [
      { path: "/api/v1/fleet/matrix", headers },
      { path: "/api/v1/deployments?limit=50", headers },
      { path: "/", headers },
      { path: "/api/v1/services", headers },
    ];
    const load = await runLoad({ url: context.shiplogUrl, requests, connections: 10, durationSeconds: context.durations.latencySeconds * 2 });
    context.log(`memory: read load ${load.requests} requests (${load.non2xx} non-2xx, ${load.errors} errors) at ${load.throughput.toFixed(0)}/s`);
    const peaks = sampler.peaks();
    const note = `peak of ${peaks.samples} samples (every 250 ms, process tree VmRSS) over the run so far, ending with ${context.durations.latencySeconds * 2} s of flat-out reads at 10 users`;
    const measurements: Measurement[] = [
      { scenario: "memory", metric: "web server peak RSS", unit: "MiB", baseline: null, shiplog: peaks.webMiB, target: { op: "<=", value: 512, of: "shiplog" }, note },
      { scenario: "memory", metric: "worker peak RSS", unit: "MiB", baseline: null, shiplog: peaks.workerMiB, target: { op: "<=", value: 256, of: "shiplog" }, note },
    ];
    return measurements;
  },
};
