// Peak resident memory of the web server and the worker over a whole bench run: sampled from the
// start, so the figure covers the webhook storm and the worker's drain as well as the reads, and
// read back by the memory scenario (scenarios/memory.ts), which the runner runs last.
import type { ShiplogProcess } from "./scenario";

export type MemorySampler = {
  peaks: () => { webMiB: number; workerMiB: number; samples: number };
  stop: () => void;
};

let current: MemorySampler | undefined;

export function startMemorySampler(processes: { web: ShiplogProcess; worker: ShiplogProcess }, intervalMs = 250): MemorySampler {
  let webMiB = 0;
  let workerMiB = 0;
  let samples = 0;
  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      const [web, worker] = await Promise.all([processes.web.rssMiB(), processes.worker.rssMiB()]);
      webMiB = Math.max(webMiB, web);
      workerMiB = Math.max(workerMiB, worker);
      samples += 1;
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void sample(), intervalMs);
  timer.unref();
  void sample();
  const sampler: MemorySampler = {
    peaks: () => ({ webMiB, workerMiB, samples }),
    stop: () => clearInterval(timer),
  };
  current = sampler;
  return sampler;
}

/** The sampler the runner started for this run, if any. */
export function runMemorySampler(): MemorySampler | undefined {
  return current;
}
