import type { MarkerHit } from '../../../../shared/search-query';

/** A marker's primary tag, marked as such, then its secondary tags. */
export function TagChips({ hit, className }: { hit: MarkerHit; className: string }) {
  return (
    <div className={className}>
      <span className="tag tag-primary">{hit.primaryTag.name}</span>
      {hit.tags.map((tag) => (
        <span key={tag.id} className="tag">
          {tag.name}
        </span>
      ))}
    </div>
  );
}
