/**
 * "Play all": a queue over the results' indexes, in order or in a seeded shuffled order fixed when
 * it starts, stepped back and forth; the player letting go of those indexes when a new search
 * replaces the results; and the wall's grid moves the keyboard makes.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { MarkerHit } from '../src/shared/search-query';
import {
  isLastInQueue,
  OPEN_MARKER_SPAN_SECONDS,
  queueIndex,
  seededPermutation,
  startQueue,
  stepQueue,
  turnEndOf,
  type PlayQueue,
} from '../src/renderer/src/lib/play-queue';
import { columnsFor, gridMove, MIN_TILE_WIDTH } from '../src/renderer/src/lib/wall-grid';
import { PLAY_ALL_STOPPED_NOTE, STEPPING_STOPPED_NOTE, usePlayer } from '../src/renderer/src/stores/player-store';

const indexesOf = (queue: PlayQueue): number[] => {
  const seen = [queueIndex(queue)];
  for (let q = queue; !isLastInQueue(q);) {
    q = stepQueue(q, 1);
    seen.push(queueIndex(q));
  }
  return seen;
};

describe('play all queue', () => {
  it('in order plays the results by their index', () => {
    expect(indexesOf(startQueue('in-order', 5, 1))).toEqual([0, 1, 2, 3, 4]);
  });

  it('shuffled plays every result once, in an order the seed fixes', () => {
    const order = indexesOf(startQueue('shuffled', 50, 42));
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, k) => k));
    expect(order).not.toEqual(Array.from({ length: 50 }, (_, k) => k));
    expect(indexesOf(startQueue('shuffled', 50, 42))).toEqual(order);
    expect(indexesOf(startQueue('shuffled', 50, 43))).not.toEqual(order);
  });

  it('steps back to the marker played before, and stays at the ends', () => {
    const start = startQueue('shuffled', 20, 7);
    const second = stepQueue(start, 1);
    const third = stepQueue(second, 1);
    expect(queueIndex(stepQueue(third, -1))).toBe(queueIndex(second));
    expect(queueIndex(stepQueue(second, -1))).toBe(queueIndex(start));
    expect(stepQueue(start, -1)).toBe(start);
    const last = { ...start, position: 19 };
    expect(isLastInQueue(last)).toBe(true);
    expect(stepQueue(last, 1)).toBe(last);
  });

  it('covers results whose pages have not loaded: the queue holds indexes only', () => {
    const queue = startQueue('shuffled', 100_000, 3);
    expect(queue.permutation).toHaveLength(100_000);
    expect(new Set(queue.permutation).size).toBe(100_000);
  });

  it("ends a marker's turn at its end, or a fixed span after its start without one", () => {
    expect(turnEndOf({ seconds: 10, endSeconds: 14 })).toBe(14);
    expect(turnEndOf({ seconds: 10, endSeconds: null })).toBe(10 + OPEN_MARKER_SPAN_SECONDS);
    // An end at or before the start is no end.
    expect(turnEndOf({ seconds: 10, endSeconds: 10 })).toBe(10 + OPEN_MARKER_SPAN_SECONDS);
  });

  it('a permutation of nothing or one is what it is', () => {
    expect(seededPermutation(0, 1)).toEqual([]);
    expect(seededPermutation(1, 1)).toEqual([0]);
  });
});

describe('the player when a new search replaces the results', () => {
  // Only the id matters here: the player keeps the hit it is given as it is.
  const hit = (id: number) => ({ id }) as MarkerHit;
  const player = () => usePlayer.getState();
  beforeEach(() => player().close());

  it('stops play all and keeps the marker that played, which no step changes', () => {
    player().playAll('in-order', 50, 1);
    player().step(1, 50);
    expect(player().index).toBe(1);
    player().resultsReplaced(hit(901));
    expect(player()).toMatchObject({ index: null, queue: null, kept: { hit: { id: 901 }, note: PLAY_ALL_STOPPED_NOTE } });
    // N and P with the new results' count: no index of them is played.
    player().step(1, 7);
    player().step(-1, 7);
    expect(player()).toMatchObject({ index: null, queue: null, kept: { hit: { id: 901 } } });
    // A further search leaves the kept marker as it is.
    player().resultsReplaced(hit(902));
    expect(player().kept).toMatchObject({ hit: { id: 901 } });
  });

  it('keeps a single marker too, with next and previous stopped', () => {
    player().open(4);
    player().resultsReplaced(hit(77));
    expect(player()).toMatchObject({ index: null, kept: { hit: { id: 77 }, note: STEPPING_STOPPED_NOTE } });
    player().step(1, 10);
    expect(player().index).toBeNull();
  });

  it('closes when the marker had not loaded yet, and stays closed when it was closed', () => {
    player().playAll('shuffled', 500, 3);
    player().resultsReplaced(undefined);
    expect(player()).toMatchObject({ index: null, queue: null, kept: null });
    player().resultsReplaced(hit(5));
    expect(player().kept).toBeNull();
  });

  it('opening a result or playing all again plays from the new results', () => {
    player().open(2);
    player().resultsReplaced(hit(8));
    player().open(3);
    expect(player()).toMatchObject({ index: 3, kept: null });
    player().resultsReplaced(hit(9));
    player().playAll('in-order', 5, 1);
    expect(player()).toMatchObject({ index: 0, kept: null, queue: { total: 5 } });
  });
});

describe('wall grid', () => {
  it('fits as many tiles of the least width as the row holds, and at least one', () => {
    expect(columnsFor(0)).toBe(1);
    expect(columnsFor(MIN_TILE_WIDTH)).toBe(1);
    expect(columnsFor(1000)).toBe(4);
  });

  it('moves by tile across and by row up and down, within the results', () => {
    // 10 results in rows of 4: 0-3, 4-7, 8-9.
    expect(gridMove('ArrowRight', 3, 4, 10, 2)).toBe(4);
    expect(gridMove('ArrowLeft', 0, 4, 10, 2)).toBe(0);
    expect(gridMove('ArrowDown', 1, 4, 10, 2)).toBe(5);
    expect(gridMove('ArrowDown', 7, 4, 10, 2)).toBe(9);
    expect(gridMove('ArrowUp', 5, 4, 10, 2)).toBe(1);
    expect(gridMove('PageDown', 0, 4, 10, 2)).toBe(8);
    expect(gridMove('End', 0, 4, 10, 2)).toBe(9);
    expect(gridMove('Home', 9, 4, 10, 2)).toBe(0);
    expect(gridMove('a', 0, 4, 10, 2)).toBeUndefined();
    expect(gridMove('ArrowDown', 0, 4, 0, 2)).toBeUndefined();
  });
});
