/** Main's check of every argument a window sends, against the contract's schema for that method. */
import type { z } from 'zod';
import { oneLine } from '../core/one-line';
import { METHOD_INPUTS, type MethodName } from '../shared/contract';

export type MethodInput<M extends MethodName> = z.output<(typeof METHOD_INPUTS)[M]>;

/** The parsed argument, or an error whose one-line message names each offending field. */
export function parseMethodInput<M extends MethodName>(method: M, arg: unknown): MethodInput<M> {
  const result = (METHOD_INPUTS[method] as z.ZodType).safeParse(arg);
  if (result.success) return result.data as MethodInput<M>;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : 'argument';
    return `${field}: ${oneLine(issue.message)}`;
  });
  throw new Error(`Invalid ${method} request: ${problems.join('; ')}`);
}
