import { useEffect, useId, useRef, useState, type KeyboardEvent, type Ref } from 'react';
import type { NamedRef, SuggestRequest } from '../../../shared/contract';
import { api, messageOf } from '../api';

interface AutocompleteProps {
  label: string;
  kind: SuggestRequest['kind'];
  /** Already chosen: not offered again. */
  excludeIds: ReadonlySet<number>;
  onPick(ref: NamedRef): void;
  placeholder?: string;
  /** The text box, for a parent that moves focus into it. */
  inputRef?: Ref<HTMLInputElement>;
}

const SUGGESTION_LIMIT = 12;

/** A combobox suggesting tags or performers by name start; arrows move, Enter picks, Escape closes. */
export function Autocomplete({ label, kind, excludeIds, onPick, placeholder, inputRef }: AutocompleteProps) {
  const id = useId();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [options, setOptions] = useState<NamedRef[]>([]);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    if (!open) return;
    const request = ++latest.current;
    const timer = setTimeout(() => {
      api.suggest({ kind, prefix: text.trim(), limit: SUGGESTION_LIMIT + excludeIds.size }).then(
        (refs) => {
          if (request !== latest.current) return;
          setOptions(refs.filter((ref) => !excludeIds.has(ref.id)).slice(0, SUGGESTION_LIMIT));
          setActive(0);
          setError(null);
        },
        (failure: unknown) => request === latest.current && setError(messageOf(failure)),
      );
    }, 100);
    return () => clearTimeout(timer);
  }, [open, text, kind, excludeIds]);

  const pick = (ref: NamedRef) => {
    onPick(ref);
    setText('');
    setOptions([]);
    // Closed, so the list does not cover what was just chosen; typing or ArrowDown opens it again.
    setOpen(false);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (!open) return setOpen(true);
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((index) => Math.max(0, Math.min(options.length - 1, index + step)));
    } else if (event.key === 'Enter' && open && options[active]) {
      event.preventDefault();
      pick(options[active]);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
    }
  };

  const listId = `${id}-list`;
  const showList = open && (options.length > 0 || error !== null);
  return (
    <div className="autocomplete">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input
        ref={inputRef}
        id={id}
        type="text"
        role="combobox"
        autoComplete="off"
        spellCheck={false}
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && options[active] ? `${id}-opt-${options[active].id}` : undefined}
        placeholder={placeholder ?? label}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKeyDown}
      />
      {showList && (
        <ul id={listId} role="listbox" aria-label={label} className="autocomplete-list">
          {error !== null && <li className="autocomplete-error">{error}</li>}
          {options.map((option, index) => (
            <li
              key={option.id}
              id={`${id}-opt-${option.id}`}
              role="option"
              aria-selected={index === active}
              className={index === active ? 'active' : undefined}
              // Before the input's blur closes the list.
              onMouseDown={(event) => {
                event.preventDefault();
                pick(option);
              }}
              onMouseEnter={() => setActive(index)}
            >
              {option.name}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
