import { useEffect, useState } from 'react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { formatClock } from '../../format/display-format';
import { useFleet } from '../../stores/fleet.store';
import { downloadText, postmortemFileName } from './download-file';

/**
 * The postmortem (issue 7): a Markdown draft generated from the timeline (summary, impact
 * window, time to detect / mitigate / resolve, actions taken), edited here, saved with the
 * incident and downloadable as a .md file.
 */
export function PostmortemTab({ id, readOnly }: { id: string; readOnly: boolean }) {
  const postmortem = useFleet((s) => (s.postmortem?.id === id ? s.postmortem : null));
  const pending = useFleet((s) => s.postmortemPending);
  const error = useFleet((s) => s.postmortemError);
  const savedAt = useFleet((s) => s.postmortemSavedAt);
  const load = useFleet((s) => s.loadPostmortem);
  const save = useFleet((s) => s.savePostmortem);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  // The person's edit of a given text from the core; a newer text (regenerate, save) starts over.
  const [edit, setEdit] = useState<{ base: string; text: string } | null>(null);
  useEffect(() => void load(id), [id, load]);
  const markdown = postmortem?.markdown;
  const text = markdown === undefined ? null : edit && edit.base === markdown ? edit.text : markdown;
  const setText = (next: string) => markdown !== undefined && setEdit({ base: markdown, text: next });
  const dirty = text !== null && text !== markdown;
  return (
    <section className="panel inc-postmortem" data-testid="incident-postmortem">
      <div className="inc-postmortem-head">
        <h2 className="panel-title">Postmortem</h2>
        <span className="muted" data-testid="incident-postmortem-status">
          {postmortem?.saved
            ? `Saved${savedAt ? ` at ${formatClock(savedAt, timeFormat)}` : ''}${dirty ? ' · unsaved changes' : ''}`
            : 'Draft generated from the timeline (not saved yet)'}
        </span>
        <span className="inc-spacer" />
        {readOnly ? null : (
          <button
            type="button"
            className="button"
            disabled={pending !== null}
            onClick={() => void load(id, true)}
            title="Replace the text with a new draft from the timeline as it is now"
          >
            Regenerate draft
          </button>
        )}
        <button
          type="button"
          className="button"
          disabled={text === null}
          onClick={() => text !== null && downloadText(postmortemFileName(id), text, 'text/markdown')}
          data-testid="incident-postmortem-download"
        >
          Download .md
        </button>
        {readOnly ? null : (
          <button
            type="button"
            className="button button-primary"
            disabled={text === null || pending !== null || (!dirty && postmortem?.saved === true)}
            onClick={() => text !== null && void save(id, text)}
            data-testid="incident-postmortem-save"
          >
            {pending === 'save' ? <SpinnerIcon className="spin" /> : null}
            Save
          </button>
        )}
      </div>
      {error ? <ErrorNotice title="The postmortem did not load or save" error={error} /> : null}
      {text === null ? (
        <p className="panel-loading">
          <SpinnerIcon className="spin" /> Writing the draft…
        </p>
      ) : (
        <textarea
          className="control control-wide control-mono inc-postmortem-text"
          value={text}
          readOnly={readOnly}
          spellCheck
          aria-label="Postmortem (Markdown)"
          onChange={(e) => setText(e.target.value)}
          data-testid="incident-postmortem-text"
        />
      )}
    </section>
  );
}
