import type { APIRequestContext } from '@playwright/test';
import { HTTP_ROUTES, type MethodName, type StashMirrorMethods } from '../../src/shared/contract';
import { HOST_TOKEN, HOST_URL } from './env';

type Argument<M extends MethodName> = Parameters<StashMirrorMethods[M]>[0];
type Result<M extends MethodName> = Awaited<ReturnType<StashMirrorMethods[M]>>;

/** Calls the host directly, to learn what the interface should show. */
export async function hostCall<M extends MethodName>(request: APIRequestContext, method: M, argument?: Argument<M>): Promise<Result<M>> {
  const response = await request.post(`${HOST_URL}${HTTP_ROUTES.rpc(method)}`, {
    headers: { Authorization: `Bearer ${HOST_TOKEN}` },
    data: argument,
  });
  if (!response.ok()) throw new Error(`${method} failed: ${await response.text()}`);
  return (await response.json()) as Result<M>;
}

/** A count as the interface prints it. */
export function markerCount(total: number): string {
  return `${total.toLocaleString('en-US')} ${total === 1 ? 'marker' : 'markers'}`;
}
