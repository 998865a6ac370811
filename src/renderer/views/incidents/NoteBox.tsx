import { useState } from 'react';
import { SpinnerIcon } from '../../components/icons';

/** A note for the timeline (incidents.annotate), as `fleetdeck annotate` writes from a shell. */
export function NoteBox({ pending, onAdd }: { pending: boolean; onAdd: (text: string) => Promise<boolean> }) {
  const [text, setText] = useState('');
  return (
    <form
      className="inc-note"
      onSubmit={(e) => {
        e.preventDefault();
        if (!text.trim()) return;
        void onAdd(text).then((ok) => ok && setText(''));
      }}
    >
      <textarea
        className="control control-wide"
        rows={2}
        maxLength={10_000}
        placeholder="Add a note to the timeline (what you saw, what you tried)…"
        aria-label="Note"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) e.currentTarget.form?.requestSubmit();
        }}
        data-testid="incident-note-text"
      />
      <button
        type="submit"
        className="button"
        disabled={pending || !text.trim()}
        data-testid="incident-note-add"
      >
        {pending ? <SpinnerIcon className="spin" /> : null}
        Add note
      </button>
    </form>
  );
}
