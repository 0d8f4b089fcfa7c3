import { timeAgo } from '../../../shared/time-format';
import { formatExact } from '../lib/format';
import { useNow } from '../lib/use-now';

/** "5 minutes ago", with the exact time on hover. */
export function RelativeTime({ iso }: { iso: string }) {
  // useNow re-renders every half minute; the time is read afresh at each render.
  useNow();
  return (
    <time dateTime={iso} title={formatExact(iso)}>
      {timeAgo(new Date(iso), new Date())}
    </time>
  );
}
