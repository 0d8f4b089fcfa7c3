import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { MarkerHit } from '../../../../shared/search-query';
import { formatTimeRange } from '../../../../shared/time-format';
import { api, messageOf } from '../../api';
import { isLastInQueue, PLAY_ORDER_LABELS, turnEndOf, type PlayQueue } from '../../lib/play-queue';
import { sceneStreamUrl, usePlayer } from '../../stores/player-store';
import { hitAt, useSearch } from '../../stores/search-store';
import { RESULT_LIST_ID } from './SearchBox';
import { PerformerFaces } from './PerformerFaces';
import { TagChips } from './TagChips';
import { withHostToken } from './Thumbnail';

const SEEK_SECONDS = 5;

/**
 * The marker playing in the app: the scene streamed from Stash from the marker's time, looping
 * back to it at the marker's end (markers without an end play on). In "play all" the next marker
 * of the queue plays instead, at the marker's end or a fixed span after its start when it has
 * none. A new search stops play all and next/previous (the marker shown plays on, with a line
 * saying why). Space, ←/→, N/P, Escape.
 */
export function Player() {
  const index = usePlayer((s) => s.index);
  const queue = usePlayer((s) => s.queue);
  const kept = usePlayer((s) => s.kept);
  const pages = useSearch((s) => s.pages);
  const total = useSearch((s) => s.total) ?? 0;
  const hit = kept?.hit ?? (index === null ? undefined : hitAt(pages, index));
  const ensureLoaded = useSearch((s) => s.ensureLoaded);
  useEffect(() => {
    if (index !== null) ensureLoaded(index, index + 1);
  }, [index, ensureLoaded]);
  // Told as the new search starts, while the old results are still there to say what was showing.
  useEffect(
    () =>
      useSearch.subscribe((now, before) => {
        if (now.generation === before.generation) return;
        const player = usePlayer.getState();
        player.resultsReplaced(player.index === null ? undefined : hitAt(before.pages, player.index));
      }),
    [],
  );
  if (index === null && !kept) return null;
  return <PlayerDialog key={hit?.id ?? -1} hit={hit} index={index} total={total} queue={queue} note={kept?.note ?? null} />;
}

interface PlayerDialogProps {
  hit: MarkerHit | undefined;
  /** Null when the player keeps a marker of results a new search replaced: it steps nowhere. */
  index: number | null;
  total: number;
  queue: PlayQueue | null;
  note: string | null;
}

function PlayerDialog({ hit, index, total, queue, note }: PlayerDialogProps) {
  const { step, close } = usePlayer.getState();
  const video = useRef<HTMLVideoElement>(null);
  const turnOver = useRef(false);
  const dialog = useRef<HTMLDivElement>(null);
  const [reason, setReason] = useState<string | null>(null);
  useEffect(() => dialog.current?.focus(), []);

  const closePlayer = () => {
    close();
    if (index !== null) useSearch.getState().setActiveIndex(index);
    document.getElementById(RESULT_LIST_ID)?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const v = video.current;
    const key = event.key.toLowerCase();
    if (key === 'escape') closePlayer();
    else if (key === ' ' && v) void (v.paused ? v.play().catch(() => {}) : v.pause());
    else if (key === 'arrowleft' && v) v.currentTime = Math.max(0, v.currentTime - SEEK_SECONDS);
    else if (key === 'arrowright' && v) v.currentTime += SEEK_SECONDS;
    else if (key === 'n') step(1, total);
    else if (key === 'p') step(-1, total);
    else return;
    event.preventDefault();
  };

  /** Play all: the queue's next marker, once this one's turn is over (the last one just stops). */
  const nextInQueue = (v: HTMLVideoElement) => {
    if (turnOver.current || !queue) return;
    turnOver.current = true;
    if (isLastInQueue(queue)) v.pause();
    else step(1, total);
  };
  const atFirst = index === null || (queue ? queue.position === 0 : index === 0);
  const atLast = index === null || (queue ? isLastInQueue(queue) : index >= total - 1);

  const stream = hit?.urls ? withHostToken(sceneStreamUrl(hit.urls.stream)) : null;
  const title = hit ? hit.title || hit.primaryTag.name : 'Loading…';
  const why = !hit ? null : !hit.urls ? 'Cannot play: the Stash server address is not known (set it in Settings).' : reason;

  return (
    <div
      ref={dialog}
      className="player"
      role="dialog"
      aria-modal="true"
      aria-label={`Player: ${title}`}
      data-marker-id={hit?.id}
      tabIndex={-1}
      onKeyDown={onKeyDown}
    >
      <div className="player-head">
        <span className="player-title">{title}</span>
        {queue && (
          <span className="player-queue">
            {queue.position + 1} of {queue.total} · {PLAY_ORDER_LABELS[queue.order]}
          </span>
        )}
        {hit && <span className="result-time">{formatTimeRange(hit.seconds, hit.endSeconds)}</span>}
        <button type="button" onClick={closePlayer}>
          Close
        </button>
      </div>
      {stream && hit && (
        <video
          ref={video}
          className="player-video"
          src={`${stream}#t=${hit.seconds}`}
          autoPlay
          muted
          controls
          onLoadedMetadata={(event) => {
            event.currentTarget.currentTime = hit.seconds;
          }}
          onTimeUpdate={(event) => {
            const v = event.currentTarget;
            if (queue) {
              if (v.currentTime >= turnEndOf(hit)) nextInQueue(v);
            }
            // A-B loop: back to the marker's start once past its end.
            else if (hit.endSeconds !== null && v.currentTime >= hit.endSeconds) v.currentTime = hit.seconds;
          }}
          onEnded={(event) => nextInQueue(event.currentTarget)}
          onPlaying={() => setReason(null)}
          onError={() => setReason('Cannot play: Stash cannot be reached, or it has no video file for this scene.')}
        />
      )}
      {note && (
        <p className="player-note" role="status">
          {note}
        </p>
      )}
      {why && (
        <p className="player-reason" role="alert">
          {why}
        </p>
      )}
      {hit && (
        <div className="player-info">
          <TagChips hit={hit} className="result-tags" />
          <PerformerFaces hit={hit} />
        </div>
      )}
      <div className="player-controls">
        <button type="button" onClick={() => step(-1, total)} disabled={atFirst}>
          Previous (P)
        </button>
        <button type="button" onClick={() => step(1, total)} disabled={atLast}>
          Next (N)
        </button>
        {hit?.urls && (
          <button
            type="button"
            onClick={() => void api.openExternal({ url: hit.urls!.scene }).catch((error: unknown) => setReason(messageOf(error)))}
          >
            Open in Stash
          </button>
        )}
      </div>
    </div>
  );
}
