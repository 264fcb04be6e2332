// The process serving a local TCP port and its resident memory, read from /proc (Linux). The e2e
// harness spawns `next`, which forks the server proper as its child: the process to measure is
// the one holding the listening socket, found through the socket's inode, not the spawned pid.
import { once } from "node:events";
import { readdir, readFile, readlink } from "node:fs/promises";
import { Worker } from "node:worker_threads";

const LISTEN = "0A";

/** The pid of the process listening on `port` (IPv4 or IPv6); throws when none is found. */
export async function processListeningOn(port: number): Promise<number> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const lines = (await readFile(table, "utf8").catch(() => "")).split("\n").slice(1);
    for (const line of lines) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      if (!local || fields[3] !== LISTEN) continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port && fields[9]) inodes.add(fields[9]);
    }
  }
  if (inodes.size === 0) throw new Error(`nothing listens on port ${port} (per /proc/net/tcp and tcp6)`);
  for (const pid of (await readdir("/proc")).filter((name) => /^\d+$/.test(name))) {
    // Other users' processes, and processes gone meanwhile, cannot be read: they are not it.
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => []);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return Number(pid);
    }
  }
  throw new Error(`no readable process holds the socket listening on port ${port}`);
}

/** Resident set size of `pid` in bytes (VmRSS of /proc/<pid>/status). */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(kib) * 1024;
}

// Runs on a thread of its own, so a test process busy writing uploads cannot space samples out.
const SAMPLER = `
  const { workerData } = require("node:worker_threads");
  const { readFileSync } = require("node:fs");
  const { pid, state } = workerData;
  while (Atomics.load(state, 0) === 0) {
    const kib = Number(/^VmRSS:\\s+(\\d+) kB$/m.exec(readFileSync("/proc/" + pid + "/status", "utf8"))[1]);
    if (kib > Atomics.load(state, 1)) Atomics.store(state, 1, kib);
    Atomics.add(state, 2, 1);
    Atomics.wait(state, 3, 0, 10);
  }
`;

/** Samples `pid`'s VmRSS every 10 ms until stopped; stop() gives the largest sample, in bytes, and how many were taken. */
export function sampleResidentPeak(pid: number): { stop: () => Promise<{ peak: number; samples: number }> } {
  // [stop flag, peak KiB, samples, (a word to wait on)]
  const state = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(SAMPLER, { eval: true, workerData: { pid, state } });
  const exited = once(worker, "exit");
  return {
    stop: async () => {
      Atomics.store(state, 0, 1);
      await exited;
      return { peak: Atomics.load(state, 1) * 1024, samples: Atomics.load(state, 2) };
    },
  };
}
