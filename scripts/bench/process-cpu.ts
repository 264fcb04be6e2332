// CPU time a process tree has used, from /proc (utime + stime of each member). Read before and
// after a load run, it gives the web server's CPU per request: on a shared machine latency says
// how long requests waited, CPU time says what each one cost, which noise barely changes.
import { readFile } from "node:fs/promises";
import { processTree } from "./process-tree";

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds used so far by `pid` and its live descendants (`next start` serves from a child). */
export async function processTreeCpuMs(pid: number): Promise<number> {
  let ticks = 0;
  for (const member of await processTree(pid)) {
    const stat = await readFile(`/proc/${member}/stat`, "utf8").catch(() => "");
    // Fields after the command (which may hold spaces) start after its closing parenthesis:
    // state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

