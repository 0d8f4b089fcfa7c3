/** Runs the latest call after `delayMs` of quiet; `cancel` drops a pending one. */
export function debounce<A extends unknown[]>(run: (...args: A) => void, delayMs: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const call = (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => run(...args), delayMs);
  };
  call.cancel = () => clearTimeout(timer);
  return call;
}
