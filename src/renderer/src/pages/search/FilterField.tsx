import { useId } from 'react';
import { useSearch } from '../../stores/search-store';
import type { DateField, RangeField } from '../../stores/search-filters';

interface FilterFieldProps {
  field: RangeField | DateField;
  label: string;
  placeholder: string;
  numeric?: boolean;
}

/** One typed filter value (a date or a number), with its problem shown under it. */
export function FilterField({ field, label, placeholder, numeric = false }: FilterFieldProps) {
  const id = useId();
  const value = useSearch((s) => s.filters[field]);
  const error = useSearch((s) => s.fieldErrors[field]);
  const setFilters = useSearch((s) => s.setFilters);
  return (
    <div className="filter-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode={numeric ? 'decimal' : undefined}
        placeholder={placeholder}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => setFilters({ [field]: e.target.value }, true)}
      />
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}
