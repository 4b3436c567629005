/**
 * Samples a process's resident memory (`VmRSS` in `/proc/<pid>/status`) and CPU time
 * (`utime + stime` in `/proc/<pid>/stat`) every 250 ms, from outside the process: what `top` shows,
 * with nothing added to the measured process.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Sampling period; 250 ms catches the peaks of the 1M-delivery backlog without costing CPU. */
export const SAMPLE_INTERVAL_MS = 250;

let clockTicksPerSecond: number | undefined;

/** The kernel clock tick (`getconf CLK_TCK`, 100 on Linux), the unit of /proc CPU times. */
export function ticksPerSecond(): number {
  if (clockTicksPerSecond === undefined) {
    try {
      clockTicksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicksPerSecond = 100;
    }
  }
  return clockTicksPerSecond;
}

/** `VmRSS` of `pid` in bytes, or undefined when the process is gone. */
export function readRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** User plus system CPU seconds `pid` has used, or undefined when the process is gone. */
export function readCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the file, so 11 and 12 after the state (field 3).
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

/** The fields of `/proc/<pid>/stat` the harness uses, in clock ticks. */
export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** `utime + stime`: CPU the process itself has used. */
  readonly ownTicks: number;
  /** `cutime + cstime`: CPU of the children it has waited for (and of theirs). */
  readonly reapedChildTicks: number;
}

/** Parses one `/proc/<pid>/stat` line; undefined when it is not one. */
export function parseProcStat(text: string): ProcStat | undefined {
  const close = text.lastIndexOf(')');
  const pid = Number.parseInt(text, 10);
  if (close < 0 || !Number.isInteger(pid)) return undefined;
  // After the command name: state (field 3), ppid (4), … utime (14), stime (15), cutime (16), cstime (17).
  const fields = text.slice(close + 2).split(' ');
  const ppid = Number(fields[1]);
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
  if (![ppid, utime, stime, cutime, cstime].every(Number.isFinite)) return undefined;
  return { pid, ppid, ownTicks: utime! + stime!, reapedChildTicks: cutime! + cstime! };
}

/** The `/proc/<pid>/stat` of every process now (those that end while being read are left out). */
export function readAllProcStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return stats;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (stat) stats.push(stat);
    } catch {
      // Gone meanwhile.
    }
  }
  return stats;
}

/**
 * CPU ticks of `rootPid` and all its descendants: each live process's own time plus that of the
 * children it has reaped (a descendant that ended counts once, in the parent that waited for it).
 * 0 when `rootPid` is not among `stats`.
 */
export function treeCpuTicks(rootPid: number, stats: readonly ProcStat[]): number {
  const children = new Map<number, ProcStat[]>();
  let root: ProcStat | undefined;
  for (const stat of stats) {
    if (stat.pid === rootPid) root = stat;
    let list = children.get(stat.ppid);
    if (!list) {
      list = [];
      children.set(stat.ppid, list);
    }
    list.push(stat);
  }
  if (!root) return 0;
  let ticks = 0;
  const seen = new Set<number>();
  const todo = [root];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    if (seen.has(next.pid)) continue;
    seen.add(next.pid);
    ticks += next.ownTicks + next.reapedChildTicks;
    todo.push(...(children.get(next.pid) ?? []));
  }
  return ticks;
}

/**
 * CPU seconds used so far by `rootPid` and every process below it (a database server and its
 * backends), or 0 when it is gone.
 */
export function treeCpuSeconds(rootPid: number, stats: readonly ProcStat[] = readAllProcStats()): number {
  return treeCpuTicks(rootPid, stats) / ticksPerSecond();
}

/** A running sampler of one process. */
export class ProcessSampler {
  /** Largest RSS seen, in bytes. */
  maxRssBytes = 0;
  /** Latest RSS seen, in bytes. */
  lastRssBytes = 0;
  /** Latest CPU seconds seen. */
  lastCpuSeconds = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(readonly pid: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_INTERVAL_MS);
    this.timer.unref();
  }

  /** Takes a sample now (also called by the timer). */
  sample(): void {
    const rss = readRssBytes(this.pid);
    if (rss !== undefined) {
      this.lastRssBytes = rss;
      if (rss > this.maxRssBytes) this.maxRssBytes = rss;
    }
    const cpu = readCpuSeconds(this.pid);
    if (cpu !== undefined) this.lastCpuSeconds = cpu;
  }

  /** Starts a new peak: the next {@link maxRssBytes} covers only what follows. */
  resetPeak(): void {
    this.sample();
    this.maxRssBytes = this.lastRssBytes;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
