// A process and its live descendants, from /proc/<pid>/task/*/children: `next start` serves from
// a child process, so memory and CPU readings of "the web server" must add up the whole tree.
import { readdir, readFile } from "node:fs/promises";

export async function processTree(pid: number): Promise<number[]> {
  const members = [pid];
  for (let index = 0; index < members.length; index += 1) {
    const tasks = await readdir(`/proc/${members[index]}/task`).catch(() => [] as string[]);
    for (const task of tasks) {
      const children = await readFile(`/proc/${members[index]}/task/${task}/children`, "utf8").catch(() => "");
      for (const child of children.split(/\s+/).filter(Boolean)) members.push(Number(child));
    }
  }
  return members;
}
