import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds used so far by the processes a benchmark cares about, from /proc (Linux only; elsewhere
 * every figure is 0). Throughput on a shared machine swings with what else runs; CPU time per
 * operation does not, so it shows where each side's cost goes.
 */
export interface CpuSeconds {
  server: number;
  postgres: number;
  loadGenerator: number;
}

const ticksPerSecond = 100;

function processCpu(
  pid: string,
): { comm: string; parent: string; seconds: number; reapedChildren: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    // Fields of stat(5) after the command name: ppid is the 4th, utime and stime the 14th and 15th,
    // cutime and cstime (children that exited and were waited for) the 16th and 17th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      comm,
      parent: fields[1] as string,
      seconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond,
      reapedChildren: (Number(fields[13]) + Number(fields[14])) / ticksPerSecond,
    };
  } catch {
    return undefined;
  }
}

export function cpuSeconds(serverPid: number): CpuSeconds {
  const totals: CpuSeconds = { server: 0, postgres: 0, loadGenerator: 0 };
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return totals;
  }
  const usages = new Map(
    pids.flatMap((pid) => {
      const usage = processCpu(pid);
      return usage === undefined ? [] : [[pid, usage] as const];
    }),
  );
  for (const [pid, usage] of usages) {
    if (pid === String(serverPid)) totals.server += usage.seconds;
    else if (pid === String(process.pid)) totals.loadGenerator += usage.seconds;
    else if (usage.comm === 'postgres') {
      totals.postgres += usage.seconds;
      // The postmaster has reaped the backends of closed connections; their CPU still counts.
      if (usages.get(usage.parent)?.comm !== 'postgres') totals.postgres += usage.reapedChildren;
    }
  }
  return totals;
}

/** The CPU seconds each process used between two readings. */
export function cpuBetween(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  return {
    server: after.server - before.server,
    postgres: after.postgres - before.postgres,
    loadGenerator: after.loadGenerator - before.loadGenerator,
  };
}

/** Milliseconds of CPU per operation over some phases, e.g. "server 7.9, postgres 9.4, load generator 1.8". */
export function cpuPerOperation(spent: CpuSeconds[], operations: number): CpuSeconds {
  const per = (key: keyof CpuSeconds) =>
    operations === 0 ? 0 : (spent.reduce((sum, phase) => sum + phase[key], 0) * 1000) / operations;
  return { server: per('server'), postgres: per('postgres'), loadGenerator: per('loadGenerator') };
}
