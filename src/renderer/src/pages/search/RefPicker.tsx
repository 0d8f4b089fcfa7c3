import { useMemo, useRef, type MouseEvent, type ReactNode } from 'react';
import type { SuggestRequest } from '../../../../shared/contract';
import { Autocomplete } from '../../components/Autocomplete';
import { useSearch } from '../../stores/search-store';
import { CATEGORY_GROUPS, GROUPS, type ChosenRef, type Group, type RefCategory } from '../../stores/search-filters';

const GROUP_LABELS: Record<Group, string> = { any: 'Any of', all: 'All of', none: 'None of' };

/** Which names the picker suggests. */
const SUGGEST_KINDS: Record<RefCategory, SuggestRequest['kind']> = {
  markerTags: 'tags',
  sceneTags: 'tags',
  performerTags: 'tags',
  performers: 'performers',
  // The studio suggestions come with the studio search.
  studios: 'studios',
};

/** What a chip's descendants switch includes; performers have none. */
const DESCENDANTS: Partial<Record<RefCategory, { label: string; hint: string }>> = {
  markerTags: { label: 'sub-tags', hint: "Also match the tag's sub-tags" },
  sceneTags: { label: 'sub-tags', hint: "Also match the tag's sub-tags" },
  performerTags: { label: 'sub-tags', hint: "Also match the tag's sub-tags" },
  studios: { label: 'child studios', hint: "Also match the studio's child studios" },
};

interface RefPickerProps {
  category: RefCategory;
  /** "Marker tag", "Performer": names the controls. */
  noun: string;
  title: string;
  children?: ReactNode;
}

/** Chooses tags, performers or studios into the category's groups (any/all/none), autocompleting by name. */
export function RefPicker({ category, noun, title, children }: RefPickerProps) {
  const chosen = useSearch((s) => s.filters[category]);
  const addRef = useSearch((s) => s.addRef);
  const removeRef = useSearch((s) => s.removeRef);
  // In the store, so that Clear puts it back too.
  const group = useSearch((s) => s.addGroups[category]);
  const setAddGroup = useSearch((s) => s.setAddGroup);
  const fieldset = useRef<HTMLFieldSetElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const excludeIds = useMemo(() => new Set(GROUPS.flatMap((g) => chosen[g].map((ref) => ref.id))), [chosen]);
  const groups = CATEGORY_GROUPS[category];

  // The remove button leaves with its chip. Pressed from the keyboard (a click with no click count),
  // its focus goes to the next chip's button, the one before, or the name box, so the user stays in
  // this filter instead of landing on the page. A mouse user is left alone: focusing the name box
  // would open its suggestions over the filters below.
  const removeChip = (chipGroup: Group, id: number, click: MouseEvent<HTMLButtonElement>) => {
    if (click.detail === 0) {
      const buttons = [...fieldset.current!.querySelectorAll<HTMLButtonElement>('.chip-remove')];
      const at = buttons.indexOf(click.currentTarget);
      (buttons[at + 1] ?? buttons[at - 1] ?? nameInput.current)?.focus();
    }
    removeRef(category, chipGroup, id);
  };

  return (
    <fieldset className="filter-section" ref={fieldset}>
      <legend>{title}</legend>
      <div className="picker-row">
        <Autocomplete
          label={`Add ${noun.toLowerCase()}`}
          kind={SUGGEST_KINDS[category]}
          excludeIds={excludeIds}
          onPick={(ref) => addRef(category, group, ref)}
          inputRef={nameInput}
        />
        <select aria-label={`${noun} match`} value={group} onChange={(e) => setAddGroup(category, e.target.value as Group)}>
          {groups.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
      </div>
      {GROUPS.filter((g) => chosen[g].length > 0).map((g) => (
        <div key={g} className="chip-group" role="group" aria-label={`${noun}s: ${GROUP_LABELS[g].toLowerCase()}`}>
          <span className="chip-group-label">{GROUP_LABELS[g]}</span>
          {chosen[g].map((ref) => (
            <RefChip key={ref.id} category={category} group={g} chosenRef={ref} onRemove={(click) => removeChip(g, ref.id, click)} />
          ))}
        </div>
      ))}
      {children}
    </fieldset>
  );
}

interface RefChipProps {
  category: RefCategory;
  group: Group;
  chosenRef: ChosenRef;
  onRemove(click: MouseEvent<HTMLButtonElement>): void;
}

function RefChip({ category, group, chosenRef, onRemove }: RefChipProps) {
  const setWithSubtags = useSearch((s) => s.setWithSubtags);
  const descendants = DESCENDANTS[category];
  return (
    <span className={`chip chip-${group}`}>
      <span className="chip-name" title={chosenRef.name}>
        {chosenRef.name}
      </span>
      {descendants && (
        <label className="chip-subtags" title={descendants.hint}>
          <input
            type="checkbox"
            checked={chosenRef.withSubtags}
            aria-label={`Include ${descendants.label} of ${chosenRef.name}`}
            onChange={(e) => setWithSubtags(category, group, chosenRef.id, e.target.checked)}
          />
          {descendants.label}
        </label>
      )}
      <button type="button" className="chip-remove" aria-label={`Remove ${chosenRef.name}`} onClick={onRemove}>
        ×
      </button>
    </span>
  );
}
