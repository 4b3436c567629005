/**
 * How busy the machine was with work that is not the benchmark's: all CPU time in `/proc/stat` minus
 * the CPU of the harness and every process it started. A benchmark shares the machine with whatever
 * else runs; this makes the sharing visible in the results instead of silently lowering them.
 */
import { readFileSync } from 'node:fs';
import { runningChildren } from './process-registry.ts';
import { readAllProcStats, ticksPerSecond, treeCpuTicks } from './process-sampler.ts';

/** Busy CPU seconds of the whole machine since boot (user, nice, system, irq, softirq, steal). */
export function machineBusySeconds(procStat: string = readFileSync('/proc/stat', 'utf8')): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return Number.NaN;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return (
    ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) /
    ticksPerSecond()
  );
}

/**
 * CPU seconds of the harness and its children: this process, the children it has reaped
 * (`cutime + cstime` in /proc/self/stat) and the children still running with everything below them
 * (a database server's backends are the harness's grandchildren).
 */
export function benchCpuSeconds(): number {
  let total = 0;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime are fields 14–17 of the file: 11–14 after the state (field 3).
    total +=
      (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / ticksPerSecond();
  } catch {
    return Number.NaN;
  }
  const children = runningChildren();
  if (children.length === 0) return total;
  const stats = readAllProcStats();
  for (const { pid } of children) total += treeCpuTicks(pid, stats) / ticksPerSecond();
  return total;
}

/** A running account of the machine's other load. */
export interface LoadAccount {
  /** Average cores busy with other work since the account started. */
  otherCores(): number;
}

/** Starts accounting now. */
export function startLoadAccount(): LoadAccount {
  const startedAt = performance.now();
  const busy0 = machineBusySeconds();
  const bench0 = benchCpuSeconds();
  return {
    otherCores() {
      const seconds = (performance.now() - startedAt) / 1000;
      const other = machineBusySeconds() - busy0 - (benchCpuSeconds() - bench0);
      return Math.max(0, other) / seconds;
    },
  };
}
