import { Ajv, type ErrorObject, type JSONSchemaType, type ValidateFunction } from 'ajv';
import { InputError } from './errors.js';

const ajv = new Ajv({ allErrors: false, strict: true });

export type Schema<T> = JSONSchemaType<T>;

export interface Checker<T> {
  (value: unknown, file: string, line?: number): T;
}

/** Compiles a schema into a function that returns the typed value or throws an InputError naming the field. */
export function checker<T>(schema: JSONSchemaType<T> | object): Checker<T> {
  const validate = ajv.compile(schema) as ValidateFunction<T>;
  return (value, file, line) => {
    if (validate(value)) return value;
    const err = validate.errors![0]!;
    throw new InputError(file, line, fieldOf(err), err.message ?? 'invalid');
  };
}

function fieldOf(err: ErrorObject): string {
  const path = err.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (err.keyword === 'required') {
    const missing = (err.params as { missingProperty: string }).missingProperty;
    return path ? `${path}.${missing}` : missing;
  }
  if (err.keyword === 'additionalProperties') {
    const extra = (err.params as { additionalProperty: string }).additionalProperty;
    return path ? `${path}.${extra}` : extra;
  }
  return path || '(record)';
}
