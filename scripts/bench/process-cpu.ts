// CPU time a process tree has used, from /proc (utime + stime of each member). Read before and
// after a load run, it gives the web server's CPU per request: on a shared machine latency says
// how long requests waited, CPU time says what each one cost, which noise barely changes.
import { readFile } from "node:fs/promises";
import { processTree } from "./process-tree";

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/**
 * CPU milliseconds used so far by `pid` and its descendants (`next start` serves from a child):
 * the live members' own time plus the time of the children each has reaped (cutime, cstime), so
 * the figure never falls when a child exits (PostgreSQL's backends come and go with connections).
 */
export async function processTreeCpuMs(pid: number): Promise<number> {
  let ticks = 0;
  for (const member of await processTree(pid)) {
    const stat = await readFile(`/proc/${member}/stat`, "utf8").catch(() => "");
    // Fields after the command (which may hold spaces) start after its closing parenthesis:
    // state is field 3, utime 14, stime 15, cutime 16 and cstime 17.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0) + Number(fields[13] ?? 0) + Number(fields[14] ?? 0);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

