import { EVENT_NAMES, type EventName, type StashMirrorEvents } from '../../../shared/contract';

type Listener = (payload: unknown) => void;

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 15000;

/**
 * The host's server-sent events, opened on the first subscription. EventSource retries dropped
 * connections by itself but gives up for good on an HTTP error (a restarting host answers 502/503),
 * so a closed stream is reopened here with a growing delay. The host starts every stream with the
 * current sync status, so nothing missed while disconnected stays wrong.
 */
export class EventStream {
  private readonly listeners = new Map<EventName, Set<Listener>>();
  private source: EventSource | null = null;
  private retryMs = RETRY_MIN_MS;

  constructor(private readonly url: string) {}

  on<E extends EventName>(event: E, listener: (payload: StashMirrorEvents[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const entry = listener as Listener;
    set.add(entry);
    if (!this.source) this.open();
    return () => set.delete(entry);
  }

  private emit(event: EventName, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }

  private open(): void {
    const source = new EventSource(this.url);
    this.source = source;
    source.addEventListener('open', () => {
      this.retryMs = RETRY_MIN_MS;
    });
    source.addEventListener('error', () => {
      if (source.readyState !== EventSource.CLOSED) return;
      source.close();
      setTimeout(() => this.open(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    });
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (message) => {
        const payload = parseJson((message as MessageEvent<string>).data);
        if (payload !== undefined) this.emit(name, payload);
      });
    }
  }
}

export function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Not our JSON (a proxy's error page): no payload. The status of the answer still tells what happened.
    return undefined;
  }
}
