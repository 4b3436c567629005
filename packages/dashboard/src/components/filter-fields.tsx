/**
 * The parts the log screens' filter forms share (Deliveries, Events): the time range in the user's
 * local time, and the buttons that apply or clear the filters.
 */

interface TimeRangeProps {
  /** Prefix of the inputs' ids, so two forms on one page stay apart. */
  readonly idPrefix: string;
  readonly sinceLabel: string;
  readonly untilLabel: string;
  /** `datetime-local` values; both inputs point to the hint {@link FilterActions} shows. */
  readonly since: string;
  readonly until: string;
  readonly onSince: (value: string) => void;
  readonly onUntil: (value: string) => void;
}

/** The "from" and "until" inputs (to be placed in the form's field grid). */
export function TimeRangeFields(props: TimeRangeProps) {
  const hintId = `${props.idPrefix}-time-hint`;
  return (
    <>
      <div class="field">
        <label for={`${props.idPrefix}-since`}>{props.sinceLabel}</label>
        <input
          type="datetime-local"
          id={`${props.idPrefix}-since`}
          value={props.since}
          aria-describedby={hintId}
          onInput={(event) => props.onSince(event.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for={`${props.idPrefix}-until`}>{props.untilLabel}</label>
        <input
          type="datetime-local"
          id={`${props.idPrefix}-until`}
          value={props.until}
          aria-describedby={hintId}
          onInput={(event) => props.onUntil(event.currentTarget.value)}
        />
      </div>
    </>
  );
}

/** The time hint the two inputs point to (below the field grid), then Apply and Clear. */
export function FilterActions(props: {
  readonly idPrefix: string;
  readonly hint: string;
  readonly applyLabel: string;
  readonly clearLabel: string;
  /** Whether any filter is in force, so there is something to clear. */
  readonly canClear: boolean;
  readonly onClear: () => void;
}) {
  return (
    <>
      <p class="hint" id={`${props.idPrefix}-time-hint`}>
        {props.hint}
      </p>
      <div class="actions">
        <button type="submit">{props.applyLabel}</button>
        <button type="button" class="secondary" disabled={!props.canClear} onClick={props.onClear}>
          {props.clearLabel}
        </button>
      </div>
    </>
  );
}
