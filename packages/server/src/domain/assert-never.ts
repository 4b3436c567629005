/** Compile-time exhaustiveness check: every `switch` over a union ends with `default: return assertNever(x)`. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
