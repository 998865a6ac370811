import { useState } from 'react';
import type { ChangeFreeze } from '../../../shared/contract/index';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { formatClock, formatDate } from '../../format/display-format';
import { useFleet } from '../../stores/fleet.store';
import { spanWords } from './healing-words';

const TWO_HOURS = 2 * 3600_000;

/** `<input type="datetime-local">` wants local "YYYY-MM-DDTHH:mm". */
const toLocalInput = (at: number): string => {
  const d = new Date(at - new Date(at).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};
const fromLocalInput = (text: string): number | null => {
  const at = new Date(text).getTime();
  return Number.isFinite(at) ? at : null;
};

/**
 * Change freezes: while one is on, no policy acts (each action it would have taken is proposed
 * instead, with "freeze" as the reason). One button for the common case (a release, a demo),
 * a custom window for a planned one, and "End now".
 */
export function FreezePanel({ now, onChanged }: { now: number; onChanged(): void }) {
  const freezes = useFleet((s) => s.healingFreezes);
  const pending = useFleet((s) => s.freezePending);
  const error = useFleet((s) => s.freezeError);
  const add = useFleet((s) => s.addFreeze);
  const end = useFleet((s) => s.endFreeze);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? '24h');
  const [custom, setCustom] = useState(false);
  const [from, setFrom] = useState(() => toLocalInput(now));
  const [to, setTo] = useState(() => toLocalInput(now + TWO_HOURS));
  const [reason, setReason] = useState('');

  const shown = (freezes ?? []).filter((f) => f.to > now);
  const active = shown.filter((f) => f.from <= now);
  const fromAt = fromLocalInput(from);
  const toAt = fromLocalInput(to);
  const customProblem =
    fromAt === null || toAt === null
      ? 'Choose when it starts and ends.'
      : toAt <= fromAt
        ? 'It must end after it starts.'
        : toAt <= now
          ? 'That window is already over.'
          : !reason.trim()
            ? 'Say why (kept with the freeze).'
            : null;
  const when = (at: number) => `${formatDate(at)} ${formatClock(at, timeFormat)}`;

  return (
    <section className="panel heal-freezes" aria-labelledby="heal-freezes-title" data-testid="freeze-panel">
      <header className="heal-panel-head">
        <h2 className="panel-title" id="heal-freezes-title">
          Change freezes
        </h2>
        <span
          className={active.length ? 'heal-frozen heal-frozen-on' : 'heal-frozen'}
          data-testid="freeze-state"
          data-frozen={active.length > 0}
        >
          {active.length
            ? `Frozen until ${formatClock(Math.max(...active.map((f) => f.to)), timeFormat)}`
            : 'Not frozen'}
        </span>
        <div className="heal-panel-actions">
          <button
            type="button"
            className="button"
            disabled={pending}
            onClick={() => {
              // From the moment of the click, not the last clock tick.
              const from = Date.now();
              void add(from, from + TWO_HOURS, 'Frozen for 2 h from the policies view').then(onChanged);
            }}
            data-testid="freeze-2h"
          >
            {pending ? <SpinnerIcon className="spin" /> : null}
            Freeze changes for 2 h
          </button>
          <button
            type="button"
            className="button"
            aria-expanded={custom}
            onClick={() => setCustom(!custom)}
            data-testid="freeze-custom-toggle"
          >
            Custom window…
          </button>
        </div>
      </header>
      {custom ? (
        <form
          className="heal-freeze-form"
          data-testid="freeze-custom"
          onSubmit={(e) => {
            e.preventDefault();
            if (customProblem || fromAt === null || toAt === null) return;
            void add(fromAt, toAt, reason.trim()).then((ok) => {
              onChanged();
              if (!ok) return;
              setCustom(false);
              setReason('');
            });
          }}
        >
          <label>
            <span className="facet-label">From</span>
            <input
              className="control"
              type="datetime-local"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              data-testid="freeze-from"
            />
          </label>
          <label>
            <span className="facet-label">To</span>
            <input
              className="control"
              type="datetime-local"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              data-testid="freeze-to"
            />
          </label>
          <label className="heal-freeze-reason">
            <span className="facet-label">Reason</span>
            <input
              className="control"
              value={reason}
              maxLength={500}
              placeholder="e.g. Black Friday release"
              onChange={(e) => setReason(e.target.value)}
              data-testid="freeze-reason"
            />
          </label>
          <button
            type="submit"
            className="button button-primary"
            disabled={pending || customProblem !== null}
          >
            Add freeze
          </button>
          {customProblem ? <span className="heal-note">{customProblem}</span> : null}
        </form>
      ) : null}
      {error ? <ErrorNotice title="The freeze was not changed" error={error} testId="freeze-error" /> : null}
      {shown.length === 0 ? (
        <p className="heal-note">No freeze now or planned: enabled policies act within their limits.</p>
      ) : (
        <ul className="heal-freeze-list" data-testid="freeze-list">
          {shown.map((f: ChangeFreeze) => (
            <li key={f.id} data-testid="freeze" data-freeze={f.id} data-active={f.from <= now}>
              <span className="heal-freeze-when">
                {f.from <= now ? 'Now' : when(f.from)} → {when(f.to)}
                <span className="heal-muted">
                  {' '}
                  ({f.from <= now ? `${spanWords(f.to - now)} left` : spanWords(f.to - f.from)})
                </span>
              </span>
              <span className="heal-freeze-reason-text">{f.reason}</span>
              <span className="heal-muted">by {f.actor}</span>
              <button
                type="button"
                className="button heal-small"
                disabled={pending}
                onClick={() => void end(f.id).then(onChanged)}
                data-testid="freeze-end"
              >
                {f.from <= now ? 'End now' : 'Remove'}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
