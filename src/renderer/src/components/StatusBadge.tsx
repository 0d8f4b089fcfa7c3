import type { RunStatus } from '../../../shared/contract';
import { STATUS_LABELS } from '../lib/labels';

export function StatusBadge({ status }: { status: RunStatus }) {
  return <span className={`badge badge-${status}`}>{STATUS_LABELS[status]}</span>;
}
