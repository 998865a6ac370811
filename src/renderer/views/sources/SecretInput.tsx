import { useState } from 'react';
import { LockIcon } from './source-icons';

/**
 * A key or password, typed once. Before it is stored it is an ordinary password field whose
 * value lives only in the form; once `secrets.set` has stored it, the field shows the secret's
 * name, never the value, and "Replace" takes a new one (stored under the same name).
 */
export function SecretInput({
  id,
  value,
  storedName,
  invalid,
  describedBy,
  placeholder,
  onChange,
}: {
  id: string;
  value: string;
  storedName: string | undefined;
  invalid: boolean;
  describedBy: string;
  placeholder?: string;
  onChange: (value: string) => void;
}) {
  const [replacing, setReplacing] = useState(false);
  if (storedName && !replacing && value === '') {
    return (
      <span className="secret-stored" data-testid={`${id}-stored`}>
        <LockIcon />
        <span>
          Stored as secret <code>{storedName}</code>
        </span>
        <button
          type="button"
          className="icon-button"
          onClick={() => setReplacing(true)}
          data-testid={`${id}-replace`}
        >
          Replace
        </button>
      </span>
    );
  }
  return (
    <input
      className="control control-wide"
      type="password"
      id={id}
      name={id}
      data-testid={id}
      value={value}
      autoComplete="off"
      spellCheck={false}
      placeholder={placeholder}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy}
      // Focus the new field when "Replace" swapped it in.
      autoFocus={replacing}
      onChange={(e) => onChange(e.target.value)}
      onBlur={() => {
        if (value === '') setReplacing(false);
      }}
    />
  );
}
