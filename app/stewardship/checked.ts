/**
 * The outcome of checking a write against its rules: the value to store, or the field at fault and what
 * it must be. Pages answer the message as a 400 page, the JSON API as `400 { "error": "field: message." }`.
 */
export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };
