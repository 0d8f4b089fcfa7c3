import { timeAgo } from '../../../shared/time-format';
import { formatExact } from '../lib/format';
import { useNow } from '../lib/use-now';

/** "5 minutes ago", with the exact time on hover. */
export function RelativeTime({ iso }: { iso: string }) {
  // useNow re-renders every half minute; the time is read afresh at each render, so a sync that
  // ended a moment after the last tick reads "just now", never "in 20 seconds".
  useNow();
  // eslint-disable-next-line react-hooks/purity -- the fresh read is the point (see above); no compiler memoizes this
  const now = Date.now();
  return (
    <time dateTime={iso} title={formatExact(iso)}>
      {timeAgo(new Date(iso), new Date(now))}
    </time>
  );
}
