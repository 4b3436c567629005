import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatValue, renderMarkdown, reportJson, targetRows } from './report.ts';
import { aggregateRuns, type BenchReport, meets, type ScenarioResult } from './results.ts';
import { summarize } from './stats.ts';

function scenario(
  overrides: Partial<ScenarioResult> & Pick<ScenarioResult, 'id' | 'metrics'>,
): ScenarioResult {
  return {
    title: `${overrides.id} title`,
    description: `${overrides.id} description`,
    runs: 3,
    runsAsked: 3,
    ceiling: summarize([20_000, 21_000, 19_000]),
    notes: [],
    error: null,
    wallSeconds: 42,
    ...overrides,
  };
}

const b1 = scenario({
  id: 'B1',
  metrics: aggregateRuns([
    {
      ceilingPerSecond: 20_000,
      run: {
        measurements: [
          {
            key: 'single.eventsPerSecond',
            label: 'single events accepted',
            unit: 'events/s',
            value: 12_000,
            comparesToCeiling: true,
            target: { op: '>=', value: 10_000 },
          },
          {
            key: 'single.ackP99Ms',
            label: 'ack p99',
            unit: 'ms',
            value: 18,
            target: { op: '<=', value: 15 },
          },
        ],
      },
    },
    {
      ceilingPerSecond: 10_000,
      run: {
        measurements: [
          {
            key: 'single.eventsPerSecond',
            label: 'single events accepted',
            unit: 'events/s',
            value: 8_000,
            comparesToCeiling: true,
            target: { op: '>=', value: 10_000 },
          },
          {
            key: 'single.ackP99Ms',
            label: 'ack p99',
            unit: 'ms',
            value: 12,
            target: { op: '<=', value: 15 },
          },
        ],
      },
    },
    {
      ceilingPerSecond: 20_000,
      run: {
        measurements: [
          {
            key: 'single.eventsPerSecond',
            label: 'single events accepted',
            unit: 'events/s',
            value: 11_000,
            comparesToCeiling: true,
            target: { op: '>=', value: 10_000 },
          },
          {
            key: 'single.ackP99Ms',
            label: 'ack p99',
            unit: 'ms',
            value: 16,
            target: { op: '<=', value: 15 },
          },
        ],
      },
    },
  ]),
});

const b3 = scenario({
  id: 'B3',
  runs: 2,
  metrics: aggregateRuns([
    {
      ceilingPerSecond: 20_000,
      run: {
        measurements: [
          {
            key: 'p99Ms',
            label: 'p99',
            unit: 'ms',
            value: Number.POSITIVE_INFINITY,
            target: { op: '<=', value: 20 },
          },
        ],
      },
    },
  ]),
  notes: ['run 1: 15000 events accepted'],
  error: 'Error: hookline exited during the scenario\nstack…',
});

const scaling = scenario({
  id: 'scaling',
  runs: 1,
  runsAsked: 1,
  metrics: aggregateRuns([
    {
      ceilingPerSecond: 20_000,
      run: {
        measurements: [
          {
            key: 'backlog10000.drainPerSecond',
            label: 'd',
            unit: 'deliveries/s',
            value: 5_000,
            comparesToCeiling: true,
          },
          { key: 'backlog10000.maxRssMb', label: 'r', unit: 'MB', value: 180 },
          { key: 'backlog10000.missing', label: 'm', unit: 'count', value: 0 },
          {
            key: 'endpoints1000.deliveredPerSecond',
            label: 'e',
            unit: 'deliveries/s',
            value: 3_000,
            comparesToCeiling: true,
          },
          { key: 'endpoints1000.maxRssMb', label: 'r', unit: 'MB', value: 240 },
          { key: 'endpoints1000.missing', label: 'm', unit: 'count', value: 0 },
        ],
      },
    },
  ]),
});

const report: BenchReport = {
  date: '2026-01-02T03:04:05.000Z',
  command: 'npm run bench',
  quick: false,
  complete: true,
  machine: {
    cpuModel: 'Test CPU',
    cores: 2,
    memoryBytes: 8 * 1024 ** 3,
    platform: 'linux x64',
    node: 'v20.19.0',
  },
  wallSeconds: 754,
  scenarios: [b1, b3, scaling],
};

describe('aggregateRuns', () => {
  test('median and spread of the runs, ratio to each run’s own ceiling, target on the median', () => {
    const [rate, p99] = b1.metrics;
    assert.equal(rate?.summary.median, 11_000);
    assert.equal(rate?.summary.min, 8_000);
    assert.equal(rate?.summary.max, 12_000);
    assert.equal(rate?.ceiling, 20_000);
    // Ratios per run: 0.6, 0.8, 0.55 → median 0.6.
    assert.equal(rate?.ratio, 0.6);
    assert.equal(rate?.met, true);
    assert.equal(p99?.summary.median, 16);
    assert.equal(p99?.ratio, null);
    assert.equal(p99?.met, false);
  });

  test('meets', () => {
    assert.equal(meets(10, { op: '>=', value: 10 }), true);
    assert.equal(meets(10.1, { op: '<=', value: 10 }), false);
    assert.equal(meets(Number.NaN, { op: '<=', value: 10 }), null);
    assert.equal(meets(Number.POSITIVE_INFINITY, { op: '<=', value: 10 }), false);
  });
});

describe('renderMarkdown', () => {
  const md = renderMarkdown(report);

  test('names the machine, the command, the date and the wall time', () => {
    assert.match(md, /\| date \| 2026-01-02T03:04:05\.000Z \|/);
    assert.match(md, /\| command \| `npm run bench` \|/);
    assert.match(md, /Test CPU, 2 cores, 8\.0 GiB memory, linux x64/);
    assert.match(md, /\| wall time \| 12 min 34 s \|/);
  });

  test('says plainly which targets are met and which are not', () => {
    assert.equal(targetRows(report).length, 3);
    assert.match(md, /\*\*1 of 3 targets met\.\*\* Not met: B1 ack p99; B3 p99\./);
    assert.match(
      md,
      /\| single events accepted \| 11,000 events\/s \| 8,000 – 12,000 events\/s \| 20,000 req\/s \| 60\.0 % \| ≥ 10,000 events\/s \| ✅ \|/,
    );
    assert.match(md, /\| ack p99 \| 16\.00 ms \| 12\.00 – 18\.00 ms \| {2}\| {2}\| ≤ 15\.00 ms \| ❌ \|/);
    assert.match(md, /\| p99 \| ∞ \(undelivered\) \| \(1 run\) \|/);
  });

  test('names the targets met by the median that some run missed', () => {
    assert.match(
      md,
      /\nMet by the median, but not by every run: B1 single events accepted \(runs: 8,000 – 12,000 events\/s\)\.\n/,
    );
    const noCloseCall = renderMarkdown({
      ...report,
      scenarios: report.scenarios.map((scenario) => ({
        ...scenario,
        metrics: scenario.metrics.map((metric) => ({
          ...metric,
          summary: { ...metric.summary, values: [metric.summary.median] },
        })),
      })),
    });
    assert.doesNotMatch(noCloseCall, /Met by the median/);
  });

  test('says what the profile found for each target not met that it has an explanation for', () => {
    assert.match(md, /### What the profile says about the targets not met\n\n- B1 single-event ack p99: /);
    // B3's p99 is not met in this report too, but nothing is written down for it.
    assert.doesNotMatch(md, /- B3 /);
    const allMet = renderMarkdown({
      ...report,
      scenarios: report.scenarios.map((scenario) => ({
        ...scenario,
        metrics: scenario.metrics.map((metric) => ({ ...metric, met: metric.met === null ? null : true })),
      })),
    });
    assert.doesNotMatch(allMet, /What the profile says/);
  });

  test('reports errors, cut-short runs and notes', () => {
    assert.match(md, /2 of 3 runs \(the time budget or an error stopped the rest\)/);
    assert.match(md, /\*\*Error:\*\* `Error: hookline exited during the scenario`/);
    assert.match(md, /- run 1: 15000 events accepted/);
  });

  test('scaling gets its own tables', () => {
    assert.match(md, /\| 10,000 \| 5,000 deliveries\/s \(25\.0 %\) \| 180 MB \| 0 \| scaling \|/);
    assert.match(md, /\| 1,000 \| 3,000 deliveries\/s \(15\.0 %\) \| 240 MB \| 0 \|/);
  });

  test('keeps the hand-written explanations', () => {
    assert.match(md, /## How to read this/);
    assert.match(md, /## What the profiles show/);
    assert.match(md, /## How it is measured/);
    assert.match(md, /synchronous=FULL/);
  });

  test('warns when other processes shared the machine, and only then', () => {
    assert.doesNotMatch(md, /⚠ The machine was not quiet/);
    const noisy = scenario({
      id: 'B2',
      metrics: aggregateRuns([
        {
          ceilingPerSecond: 20_000,
          run: { measurements: [{ key: 'machine.otherCores', label: 'other', unit: 'cores', value: 0.8 }] },
        },
      ]),
    });
    assert.match(
      renderMarkdown({ ...report, scenarios: [...report.scenarios, noisy] }),
      /⚠ The machine was not quiet: other processes used up to 0\.80 cores during B2/,
    );
  });

  test('a quick run says it is not the reference', () => {
    assert.match(
      renderMarkdown({ ...report, quick: true, complete: false }),
      /\*\*Partial run\*\* \(`--quick` smoke run\)/,
    );
  });
});

describe('formatValue and reportJson', () => {
  test('units', () => {
    assert.equal(formatValue(12_345.6, 'events/s'), '12,346 events/s');
    assert.equal(formatValue(3.256, 'ms'), '3.26 ms');
    assert.equal(formatValue(1_234.5, 'ms'), '1,235 ms');
    assert.equal(formatValue(45, '%'), '45.0 %');
    assert.equal(formatValue(Number.NaN, 'ms'), '–');
  });

  test('JSON keeps infinite and missing values as strings', () => {
    const parsed = JSON.parse(reportJson(report)) as {
      scenarios: { metrics: { summary: { median: unknown } }[] }[];
    };
    assert.equal(parsed.scenarios[1]?.metrics[0]?.summary.median, 'Infinity');
  });
});
