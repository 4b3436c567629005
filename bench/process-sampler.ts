/**
 * Samples a process's resident memory (`VmRSS` in `/proc/<pid>/status`) and CPU time
 * (`utime + stime` in `/proc/<pid>/stat`) every 250 ms, from outside the process: what `top` shows,
 * with nothing added to the measured process.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

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
