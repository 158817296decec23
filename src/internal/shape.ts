/**
 * A few shape checks for outside data (settings files, the credentials file,
 * a caller's provider definitions), checked at the boundary. They cost a few
 * `typeof` tests and load nothing: a schema library would be parsed and
 * built on every cold start, for shapes this small.
 *
 * A check answers the first problem it finds ({@link ShapeIssue}) or
 * undefined; `describeShapeIssue` words it for a diagnostic.
 */

/** What was wrong, and where: `expected string at env.KEY`, `too_small at id`. */
export interface ShapeIssue {
  readonly path: readonly (string | number)[];
  /** `invalid_type` (with `expected`), `too_small`, `too_big` or `invalid_value`. */
  readonly code: 'invalid_type' | 'too_small' | 'too_big' | 'invalid_value';
  readonly expected?: string;
}

/** A check of one value; `path` is where the value sits, for the issue. */
export type Shape = (value: unknown, path: readonly (string | number)[]) => ShapeIssue | undefined;

const typeIssue = (expected: string, path: readonly (string | number)[]): ShapeIssue => ({ code: 'invalid_type', expected, path });

/** True for `{ … }`: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const unknownValue: Shape = () => undefined;
export const string: Shape = (v, path) => (typeof v === 'string' ? undefined : typeIssue('string', path));
export const boolean: Shape = (v, path) => (typeof v === 'boolean' ? undefined : typeIssue('boolean', path));
export const number: Shape = (v, path) => (typeof v === 'number' && !Number.isNaN(v) ? undefined : typeIssue('number', path));
/** A string of at least one character. */
export const nonEmptyString: Shape = (v, path) => string(v, path) ?? (v === '' ? { code: 'too_small', path } : undefined);
/** An integer within `[min, max]`. */
export const integer =
  (min: number, max: number): Shape =>
  (v, path) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return typeIssue('int', path);
    if (v < min) return { code: 'too_small', path };
    return v > max ? { code: 'too_big', path } : undefined;
  };
/** One of `values`. */
export const oneOf =
  (values: readonly string[]): Shape =>
  (v, path) =>
    typeof v === 'string' && values.includes(v) ? undefined : { code: 'invalid_value', path };
export const optional =
  (shape: Shape): Shape =>
  (v, path) =>
    v === undefined ? undefined : shape(v, path);
export const nullable =
  (shape: Shape): Shape =>
  (v, path) =>
    v === null ? undefined : shape(v, path);
/** An array whose every item has `item`'s shape. */
export const arrayOf =
  (item: Shape): Shape =>
  (v, path) => {
    if (!Array.isArray(v)) return typeIssue('array', path);
    for (let i = 0; i < v.length; i++) {
      const issue = item(v[i], [...path, i]);
      if (issue) return issue;
    }
    return undefined;
  };
/** A plain object with any keys. */
export const record: Shape = (v, path) => (isPlainObject(v) ? undefined : typeIssue('object', path));
/** A plain object with (at least) these fields; other fields are allowed and kept. */
export const objectWith =
  (fields: Readonly<Record<string, Shape>>): Shape =>
  (v, path) => {
    if (!isPlainObject(v)) return typeIssue('object', path);
    for (const key in fields) {
      const issue = fields[key]!(v[key], [...path, key]);
      if (issue) return issue;
    }
    return undefined;
  };

/** `expected string at env.KEY`, or the code: a short English description for diagnostics. */
export function describeShapeIssue(issue: ShapeIssue): string {
  const at = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return `${issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.code}${at}`;
}
