import { readFileSync } from 'node:fs';

/** CPU time of one process and of the whole machine (Linux /proc), to say how busy the cores were. */
export function cpuTimes(pid) {
  const tick = 100; // USER_HZ
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const process = (Number(fields[11]) + Number(fields[12])) / tick;
  const all = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const idle = (all[3] + all[4]) / tick;
  const total = all.reduce((a, b) => a + b, 0) / tick;
  return {
    process,
    idle,
    total,
    since(before) {
      const elapsed = total - before.total;
      return {
        systemBusy: elapsed > 0 ? 1 - (idle - before.idle) / elapsed : 0,
        systemCoreSeconds: elapsed - (idle - before.idle),
        processCoreSeconds: process - before.process,
      };
    },
  };
}
