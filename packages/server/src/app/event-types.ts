/**
 * The event catalogue: the built-in commerce event types plus those the operator registers, each with
 * a description, a JSON Schema of its `data` and an example. Publishing an event of a catalogued type
 * checks its data against the schema; a type outside the catalogue is accepted as it comes (register it
 * to have it checked). An endpoint's `eventTypes`, on the other hand, must name what the catalogue
 * knows (`resolveFilters`): a name nobody publishes would be stored and silently receive nothing.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { BUILTIN_EVENT_TYPES } from '../domain/event-catalog/builtin-event-types.ts';
import { EVENT_TYPE_ALIASES } from '../domain/event-catalog/platform-labels.ts';
import { checkEventTypeFilters, type KnownEventTypes } from '../domain/event-type.ts';
import { fieldPathOf, joinFieldPath } from '../domain/field-path.ts';
import type { AuditEntryRecord, EventTypeRecord, Store } from '../store/store.ts';
import { AppError } from './app-error.ts';
import { type Actor, auditEntry } from './audit-log.ts';
import type { AppContext } from './context.ts';

/** An event type as the API shows it. */
export interface EventType {
  readonly name: string;
  readonly description: string;
  readonly schema: Readonly<Record<string, unknown>>;
  readonly example: Readonly<Record<string, unknown>>;
  /** The seed platforms' own names for it, accepted in an endpoint's `eventTypes` (none for a registered type). */
  readonly aliases: readonly string[];
  /** `builtin` ships with Hookline; `registered` was added by the operator. */
  readonly origin: 'builtin' | 'registered';
}

/** What the operator sends to register a type. */
export interface EventTypeInput {
  readonly name: string;
  readonly description: string;
  readonly schema: Record<string, unknown>;
  readonly example: Record<string, unknown>;
}

// Registered types made by another process show up after at most this long (a miss reloads them).
const RELOAD_AFTER_MS = 5_000;

/** The catalogue, with one compiled validator per type (compiled on first use). */
export class EventCatalog {
  private readonly store: Store;
  private readonly now: () => number;
  private readonly builtin = new Map<string, EventType>(
    BUILTIN_EVENT_TYPES.map((t) => [t.name, { ...t, origin: 'builtin' as const }]),
  );
  /** Each alias of a built-in type and the types it stands for. */
  private readonly aliases = EVENT_TYPE_ALIASES;
  private registered = new Map<string, EventType>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(store: Store, now: () => number) {
    this.store = store;
    this.now = now;
  }

  /** Every type, built-in first, each group by name. */
  async list(): Promise<EventType[]> {
    await this.reloadIfStale();
    const byName = (a: EventType, b: EventType) => a.name.localeCompare(b.name);
    return [...[...this.builtin.values()].sort(byName), ...[...this.registered.values()].sort(byName)];
  }

  /** One type, or `undefined` when it is not in the catalogue. */
  async get(name: string): Promise<EventType | undefined> {
    const found = this.builtin.get(name) ?? this.registered.get(name);
    if (found) return found;
    await this.reloadIfStale();
    return this.registered.get(name);
  }

  /** The types an alias stands for, or `undefined` when `name` is no alias. */
  aliasOf(name: string): readonly string[] | undefined {
    return this.aliases.get(name);
  }

  /**
   * Refuses an event published under an alias: an endpoint that named the alias stores the types it
   * stands for, so the event would miss the very endpoints that asked for it.
   * @param field how the type is named in the error (`type`, `events[3].type`).
   */
  checkPublishedType(type: string, field: string): void {
    const aliased = this.aliases.get(type);
    if (aliased === undefined) return;
    throw new AppError(
      'invalid_field',
      `${type} is an alias in the catalogue; publish the event as ${orList(aliased)}`,
      field,
    );
  }

  /**
   * Checks an endpoint's `eventTypes` and returns them as they are to be stored: every entry a type of
   * the catalogue, an alias (replaced by its types) or a wildcard covering a type; each once.
   * @param field how the list is named in the error (`eventTypes`); an entry is `eventTypes[2]`.
   */
  async resolveFilters(filters: readonly string[], field: string): Promise<string[]> {
    await this.reloadIfStale();
    const known: KnownEventTypes = {
      names: new Set([...this.builtin.keys(), ...this.registered.keys()]),
      aliases: this.aliases,
    };
    const check = checkEventTypeFilters(filters, known);
    if (check.ok) return check.filters;
    const what = check.filter.endsWith('.*')
      ? `${check.filter} covers no event type of the catalogue`
      : `${check.filter} is not an event type of the catalogue`;
    const hint =
      check.suggestions.length > 0
        ? `did you mean ${orList(check.suggestions)}?`
        : 'GET /v1/event-types lists the names';
    throw new AppError('unknown_event_type', `${what}; ${hint}`, `${field}[${check.index}]`, {
      suggestions: check.suggestions,
    });
  }

  /**
   * Registers a type; its schema must compile and its example must pass it. `audit` is written with
   * the type (see {@link registerEventType}).
   */
  async register(input: EventTypeInput, audit?: AuditEntryRecord): Promise<EventType> {
    if (this.builtin.has(input.name) || (await this.get(input.name))) {
      throw new AppError('event_type_exists', `event type ${input.name} already exists`, 'name');
    }
    const aliased = this.aliases.get(input.name);
    if (aliased !== undefined) {
      // An endpoint that names it receives the aliased types: a type of that name would never reach it.
      throw new AppError(
        'event_type_exists',
        `${input.name} is an alias of ${orList(aliased, 'and')} in the catalogue`,
        'name',
      );
    }
    let validate: ValidateFunction;
    try {
      validate = compileSchema(input.schema);
    } catch (error) {
      throw new AppError('invalid_field', `not a usable JSON Schema: ${(error as Error).message}`, 'schema');
    }
    if (!validate(input.example)) {
      const failure = describeFailure(validate.errors, 'example');
      throw new AppError(
        'invalid_field',
        `the example does not match the schema: ${failure.message}`,
        failure.field,
      );
    }
    const record: EventTypeRecord = {
      name: input.name,
      description: input.description,
      schemaJson: JSON.stringify(input.schema),
      exampleJson: JSON.stringify(input.example),
      createdAt: this.now(),
    };
    if (!(await this.store.createEventType(record, audit))) {
      throw new AppError('event_type_exists', `event type ${input.name} already exists`, 'name');
    }
    const type = toEventType(record);
    this.registered.set(type.name, type);
    this.validators.set(type.name, validate);
    return type;
  }

  /**
   * Checks event data against its type's schema; a type outside the catalogue passes.
   * @param field how the data is named in the error (`data`, `events[3].data`).
   */
  async validate(type: string, data: unknown, field: string): Promise<void> {
    let validate = this.validators.get(type);
    if (!validate) {
      const eventType = await this.get(type);
      if (!eventType) return;
      validate = compileSchema(eventType.schema);
      this.validators.set(type, validate);
    }
    if (validate(data)) return;
    const failure = describeFailure(validate.errors, field);
    throw new AppError(
      'event_data_invalid',
      `data does not match ${type}: ${failure.message}`,
      failure.field,
    );
  }

  private async reloadIfStale(): Promise<void> {
    if (this.now() - this.loadedAt < RELOAD_AFTER_MS) return;
    this.loadedAt = this.now();
    const records = await this.store.listEventTypes();
    this.registered = new Map(records.map((r) => [r.name, toEventType(r)]));
  }
}

/** Registers an event type for the operator: an action of no account in the audit log. */
export function registerEventType(ctx: AppContext, input: EventTypeInput, actor: Actor): Promise<EventType> {
  return ctx.catalog.register(
    input,
    auditEntry(ctx, actor, {
      action: 'event_type.created',
      accountId: null,
      targetType: 'event_type',
      targetId: input.name,
      details: { description: input.description },
    }),
  );
}

/**
 * Compiles one type's schema in an Ajv of its own: a schema's `$id` is registered in the instance
 * that compiles it, so a shared instance would refuse a second schema with the same `$id` (a retried
 * registration, or another type reusing an id) and fail publishing with it. Compiling happens once
 * per type and process. `strict: false`: operators' schemas may carry annotations Ajv does not know
 * (`examples`, vendor keys); they describe and must not break registration.
 */
function compileSchema(schema: Readonly<Record<string, unknown>>): ValidateFunction {
  return addFormats.default(new Ajv.default({ allErrors: false, strict: false })).compile(schema);
}

function toEventType(record: EventTypeRecord): EventType {
  return {
    name: record.name,
    description: record.description,
    schema: JSON.parse(record.schemaJson),
    example: JSON.parse(record.exampleJson),
    aliases: [],
    origin: 'registered',
  };
}

/** `a`, `a or b`, `a, b or c` (with `and` instead of `or` if asked). */
function orList(names: readonly string[], last: 'or' | 'and' = 'or'): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} ${last} ${names.at(-1)}`;
}

/** The first schema failure as a field path (`data.order.lines[0].total`) and a sentence. */
function describeFailure(
  errors: ErrorObject[] | null | undefined,
  prefix: string,
): { field: string; message: string } {
  const error = errors?.[0];
  if (!error) return { field: prefix, message: 'invalid' };
  // A missing or unexpected property is named in params, not in the path: point at it.
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  const below =
    error.keyword === 'required'
      ? params.missingProperty
      : error.keyword === 'additionalProperties'
        ? params.additionalProperty
        : undefined;
  const field = joinFieldPath(prefix, fieldPathOf(error.instancePath, below));
  const message = error.keyword === 'required' ? 'is required' : (error.message ?? 'is invalid');
  return { field, message: `${field} ${message}` };
}
