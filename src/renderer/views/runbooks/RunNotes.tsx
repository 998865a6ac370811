import { useState } from 'react';
import type { Run } from '../../../shared/contract/index';
import { SpinnerIcon } from '../../components/icons';
import { formatClock, formatDate } from '../../format/display-format';
import { useFleet } from '../../stores/fleet.store';

/**
 * Notes on the run (runs.annotate), kept in its durable record beside the steps: what was
 * seen, who was paged, why a step was skipped. `fleetdeck annotate` in the terminal adds here too.
 */
export function RunNotes({ run }: { run: Run }) {
  const annotate = useFleet((s) => s.annotateRun);
  const pending = useFleet((s) => s.runPending === 'note');
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  const [text, setText] = useState('');
  const submit = async () => {
    if (text.trim() === '') return;
    if (await annotate(text.trim())) setText('');
  };
  return (
    <section className="panel rb-notes" aria-labelledby="rb-notes-title" data-testid="run-notes">
      <h2 className="panel-title" id="rb-notes-title">
        Notes
      </h2>
      {run.notes.length === 0 ? <p className="muted">No notes yet.</p> : null}
      <ul className="rb-note-list">
        {run.notes.map((n, i) => (
          <li key={i} className="rb-note" data-testid="run-note">
            <span className="muted">
              {formatDate(n.at)} {formatClock(n.at, timeFormat)} · {n.actor}
            </span>
            <p className="rb-note-text">{n.text}</p>
          </li>
        ))}
      </ul>
      <form
        className="rb-note-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <textarea
          className="control rb-note-input"
          rows={2}
          maxLength={10_000}
          placeholder="Add a note to the run record…"
          aria-label="Note"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            // Ctrl/Cmd+Enter adds the note; plain Enter is a new line.
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              void submit();
            }
          }}
          data-testid="note-input"
        />
        <button
          type="submit"
          className="button"
          disabled={pending || text.trim() === ''}
          data-testid="note-add"
        >
          {pending ? <SpinnerIcon className="spin" /> : null}
          Add note
        </button>
      </form>
    </section>
  );
}
