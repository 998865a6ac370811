import { useEffect, useState } from 'react';
import type { FleetErrorBody } from '../../../shared/errors/fleet-error';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { toErrorBody } from '../../stores/errors';
import { useFleet } from '../../stores/fleet.store';
import { Dialog } from '../sources/Dialog';

// Terminal output is untrusted (xterm.js CVE-2019-0542): it is shown as text, never as markup,
// with escape sequences (colours, cursor moves, OSC) removed so it reads as plain lines.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-_]|\r(?!\n)/g;
export const plainTranscript = (text: string): string => text.replace(ESCAPES, '');

/** A transcript range of the incident (incidents.transcript: local or carried by an import). */
export function TranscriptDialog({
  segment,
  onClose,
}: {
  segment: { sessionId: string; fromSeq: number; toSeq: number; title: string };
  onClose: () => void;
}) {
  const read = useFleet((s) => s.readIncidentTranscript);
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<FleetErrorBody | null>(null);
  useEffect(() => {
    let live = true;
    read(segment.sessionId, segment.fromSeq, segment.toSeq).then(
      (t) => {
        if (!live) return;
        const chunks = t.chunks.filter((c) => c.seq >= segment.fromSeq && c.seq <= segment.toSeq);
        setText(plainTranscript(chunks.map((c) => c.data).join('')));
      },
      (e: unknown) => live && setError(toErrorBody(e)),
    );
    return () => {
      live = false;
    };
  }, [read, segment]);
  return (
    <Dialog
      title={`Transcript — ${segment.title}`}
      onClose={onClose}
      testId="incident-transcript"
      actions={
        <button type="button" className="button" onClick={onClose} data-autofocus>
          Close
        </button>
      }
    >
      {error ? (
        <ErrorNotice title="Could not read the transcript" error={error} />
      ) : text === null ? (
        <p className="panel-loading">
          <SpinnerIcon className="spin" /> Reading…
        </p>
      ) : (
        <pre className="inc-transcript" data-testid="incident-transcript-text">
          {text || '(no output in this range)'}
        </pre>
      )}
    </Dialog>
  );
}
