/**
 * The operator console's overview at `/console`: the engine's own figures (`GET /v1/stats`), read
 * every 2 seconds while the page is visible. The counters are cumulative since the process started,
 * so rates come from the last two readings ({@link overviewFigures}); polling stops while the tab is
 * hidden (a background tab would only load the server for figures nobody reads) and when the screen
 * is left.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api-client.ts';
import type { EngineStats } from '../api-types.ts';
import { FormAlert } from '../components/form.tsx';
import { useConsoleProblemMessage } from '../console-problem.ts';
import { defineMessages, useFormat, useMessages } from '../i18n.ts';
import { common } from '../messages.ts';
import {
  NO_READINGS,
  type OverviewFigures,
  overviewFigures,
  type Readings,
  readingTimeMs,
  withReading,
} from '../overview-rates.ts';
import { useSession } from '../session.ts';

/** How often the figures are read while the page is visible. */
export const POLL_INTERVAL_MS = 2_000;

const messages = defineMessages(
  {
    title: 'Overview',
    intro:
      'The engine’s own figures, read every 2 seconds while this page is open. Totals count from the moment the Hookline process started.',
    figures: 'Figures',
    eventsPerSecond: 'Events per second',
    deliveriesPerSecond: 'Deliveries per second',
    backlog: 'Backlog',
    failureRate: 'Failure rate',
    disabledEndpoints: 'Disabled endpoints',
    accounts: 'Accounts',
    eventsTotal: '{count} published since start',
    deliveriesTotal: '{count} created since start',
    backlogDetail: '{pending} waiting, {sending} being sent',
    overLast: 'Over the last {seconds} s',
    measuring: 'Shown from the next reading',
    noAttemptsRecent: 'No attempts in the last {seconds} s',
    failureSinceStart: '{rate} of {attempts} attempts since start',
    noAttemptsSinceStart: 'No attempts since start',
    disabledDetail: 'Webhooks switched off, by hand or after failures',
    accountsDetail: 'Merchants on this server',
    readAt: 'Figures of {time}.',
    unavailable: 'The figures could not be read. {reason}',
    retrying: 'Trying again every 2 seconds.',
  },
  {
    title: 'Overzicht',
    intro:
      'De eigen cijfers van de engine, elke 2 seconden gelezen zolang deze pagina open is. Totalen tellen vanaf het moment dat het Hookline-proces startte.',
    figures: 'Cijfers',
    eventsPerSecond: 'Gebeurtenissen per seconde',
    deliveriesPerSecond: 'Afleveringen per seconde',
    backlog: 'Achterstand',
    failureRate: 'Foutpercentage',
    disabledEndpoints: 'Uitgeschakelde endpoints',
    accounts: 'Accounts',
    eventsTotal: '{count} gepubliceerd sinds de start',
    deliveriesTotal: '{count} aangemaakt sinds de start',
    backlogDetail: '{pending} wachtend, {sending} wordt verstuurd',
    overLast: 'Over de laatste {seconds} s',
    measuring: 'Zichtbaar vanaf de volgende meting',
    noAttemptsRecent: 'Geen pogingen in de laatste {seconds} s',
    failureSinceStart: '{rate} van {attempts} pogingen sinds de start',
    noAttemptsSinceStart: 'Geen pogingen sinds de start',
    disabledDetail: 'Webhooks die uit staan, met de hand of na fouten',
    accountsDetail: 'Merchants op deze server',
    readAt: 'Cijfers van {time}.',
    unavailable: 'De cijfers konden niet worden gelezen. {reason}',
    retrying: 'Elke 2 seconden wordt het opnieuw geprobeerd.',
  },
);

/**
 * Whether reading again may help: a lost connection, a busy or failing server. A refusal (403), a
 * missing route (404) or an ended session (401) answers the same next time.
 */
function worthRetrying(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status === 0 || error.status === 429 || error.status >= 500;
}

/**
 * Reads the figures every {@link POLL_INTERVAL_MS} while the document is visible, from mount to
 * unmount. One request at a time: the next is timed from the end of the last, so a slow server is
 * never asked twice at once.
 */
function useEngineReadings(): { readings: Readings; error: unknown } {
  const { api } = useSession();
  const [readings, setReadings] = useState<Readings>(NO_READINGS);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    let stopped = false;

    const schedule = () => {
      if (stopped || document.hidden || timer !== undefined) return;
      timer = setTimeout(read, POLL_INTERVAL_MS);
    };
    const read = async () => {
      timer = undefined;
      if (stopped || document.hidden || inFlight) return;
      inFlight = true;
      try {
        const stats = await api.get<EngineStats>('/v1/stats');
        if (stopped) return;
        setReadings((current) => withReading(current, stats));
        setError(null);
      } catch (failure) {
        if (stopped) return;
        setError(failure);
        if (!worthRetrying(failure)) stopped = true;
      } finally {
        inFlight = false;
      }
      schedule();
    };
    const onVisibility = () => {
      if (document.hidden) {
        clearTimeout(timer);
        timer = undefined;
      } else if (timer === undefined) {
        // Back in view: read at once rather than show figures from before the tab was hidden.
        void read();
      }
    };

    document.addEventListener('visibilitychange', onVisibility);
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [api]);

  return { readings, error };
}

/** The overview screen. */
export function ConsoleOverview() {
  const t = useMessages(messages);
  const tc = useMessages(common);
  const problem = useConsoleProblemMessage();
  const { dateTime } = useFormat();
  const { readings, error } = useEngineReadings();
  const latest = readings.latest;

  return (
    <>
      <h1>{t('title')}</h1>
      <p>{t('intro')}</p>
      {error ? (
        <FormAlert
          message={`${t('unavailable', { reason: problem(error) })}${worthRetrying(error) ? ` ${t('retrying')}` : ''}`}
        />
      ) : null}
      {latest === null ? (
        error ? null : (
          <p class="loading" aria-busy="true">
            {tc('loading')}
          </p>
        )
      ) : (
        <>
          <Cards figures={overviewFigures(readings.previous, latest)} backlog={latest.backlog} />
          {Number.isFinite(readingTimeMs(latest)) ? (
            <p class="hint">
              {t('readAt', { time: dateTime(new Date(readingTimeMs(latest)).toISOString()) })}
            </p>
          ) : null}
        </>
      )}
    </>
  );
}

function Cards({ figures, backlog }: { figures: OverviewFigures; backlog: EngineStats['backlog'] }) {
  const t = useMessages(messages);
  const { number, percent } = useFormat();
  const seconds = figures.intervalSeconds === null ? null : number(figures.intervalSeconds, 1);
  const rate = (value: number | null) => (value === null ? '–' : number(value, 1));
  const interval = seconds === null ? t('measuring') : t('overLast', { seconds });
  return (
    <section aria-labelledby="overview-figures">
      <h2 id="overview-figures" class="visually-hidden">
        {t('figures')}
      </h2>
      <dl class="cards overview-cards">
        <Card label={t('eventsPerSecond')} figure={rate(figures.eventsPerSecond)}>
          <dd class="detail">{interval}</dd>
          <dd class="detail">{t('eventsTotal', { count: number(figures.eventsPublished) })}</dd>
        </Card>
        <Card label={t('deliveriesPerSecond')} figure={rate(figures.deliveriesPerSecond)}>
          <dd class="detail">{interval}</dd>
          <dd class="detail">{t('deliveriesTotal', { count: number(figures.deliveriesCreated) })}</dd>
        </Card>
        <Card label={t('backlog')} figure={number(figures.backlog)}>
          <dd class="detail">
            {t('backlogDetail', { pending: number(backlog.pending), sending: number(backlog.sending) })}
          </dd>
        </Card>
        <Card
          label={t('failureRate')}
          figure={figures.failureRateRecent === null ? '–' : percent(figures.failureRateRecent)}
        >
          <dd class="detail">
            {seconds === null
              ? t('measuring')
              : figures.failureRateRecent === null
                ? t('noAttemptsRecent', { seconds })
                : interval}
          </dd>
          <dd class="detail">
            {figures.failureRateSinceStart === null
              ? t('noAttemptsSinceStart')
              : t('failureSinceStart', {
                  rate: percent(figures.failureRateSinceStart),
                  attempts: number(figures.attempts),
                })}
          </dd>
        </Card>
        <Card label={t('disabledEndpoints')} figure={number(figures.disabledEndpoints)}>
          <dd class="detail">{t('disabledDetail')}</dd>
        </Card>
        <Card label={t('accounts')} figure={number(figures.accounts)}>
          <dd class="detail">{t('accountsDetail')}</dd>
        </Card>
      </dl>
    </section>
  );
}

/** One figure: its name, its value, and lines that explain it. */
function Card({ label, figure, children }: { label: string; figure: string; children: ComponentChildren }) {
  return (
    <div class="card">
      <dt class="label">{label}</dt>
      <dd class="figure">{figure}</dd>
      {children}
    </div>
  );
}
