import { useMemo, useRef } from 'react';
import type { RolloutProblem } from '../../../shared/contract/index';

/**
 * The plan's YAML in an editable, monospace textarea. Problem lines are highlighted by a
 * backdrop drawn under the (transparent) textarea with the same font and no wrapping, kept in
 * step with its scroll; the line numbers beside it carry a mark as well, so the highlight is
 * never colour alone.
 */
export function PlanEditor({
  text,
  problems,
  onChange,
  textareaRef,
  label = 'Rollout plan (YAML)',
}: {
  text: string;
  problems: readonly RolloutProblem[];
  onChange(text: string): void;
  textareaRef: React.RefObject<HTMLTextAreaElement | null>;
  /** The text area's accessible name (the healing policy editor reuses this editor). */
  label?: string;
}) {
  const backdrop = useRef<HTMLDivElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = useMemo(() => text.split('\n'), [text]);
  const bad = useMemo(() => new Set(problems.flatMap((p) => (p.line === null ? [] : [p.line]))), [problems]);
  const follow = () => {
    const area = textareaRef.current;
    if (!area) return;
    if (backdrop.current) {
      backdrop.current.scrollTop = area.scrollTop;
      backdrop.current.scrollLeft = area.scrollLeft;
    }
    if (gutter.current) gutter.current.scrollTop = area.scrollTop;
  };
  return (
    <div className="ro-editor" data-testid="plan-editor">
      <div className="ro-editor-gutter" ref={gutter} aria-hidden="true">
        {lines.map((_, i) => (
          <div key={i} className={bad.has(i + 1) ? 'ro-gutter-line ro-line-bad' : 'ro-gutter-line'}>
            {bad.has(i + 1) ? '⚠ ' : ''}
            {i + 1}
          </div>
        ))}
      </div>
      <div className="ro-editor-body">
        <div className="ro-editor-backdrop" ref={backdrop} aria-hidden="true">
          {lines.map((line, i) => (
            <div
              key={i}
              className={bad.has(i + 1) ? 'ro-back-line ro-line-bad' : 'ro-back-line'}
              data-testid={bad.has(i + 1) ? 'plan-bad-line' : undefined}
              data-line={i + 1}
            >
              {line || ' '}
            </div>
          ))}
        </div>
        <textarea
          ref={textareaRef}
          className="ro-editor-text"
          value={text}
          onChange={(e) => onChange(e.target.value)}
          onScroll={follow}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          wrap="off"
          aria-label={label}
          aria-invalid={problems.length > 0}
          data-testid="plan-text"
        />
      </div>
    </div>
  );
}

/** Puts the caret at the start of a line (1-based) and scrolls it into view. */
export function goToLine(area: HTMLTextAreaElement, line: number, column: number | null): void {
  const lines = area.value.split('\n');
  let offset = 0;
  for (let i = 0; i < Math.min(line - 1, lines.length); i++) offset += lines[i]!.length + 1;
  offset += Math.max(0, (column ?? 1) - 1);
  area.focus();
  area.setSelectionRange(offset, offset);
  const lineHeight = parseFloat(getComputedStyle(area).lineHeight) || 18;
  area.scrollTop = Math.max(0, (line - 3) * lineHeight);
}

/** The problems, each as `line:column field — message`; choosing one moves the caret there. */
export function PlanProblems({
  problems,
  onPick,
}: {
  problems: readonly RolloutProblem[];
  onPick(problem: RolloutProblem): void;
}) {
  if (problems.length === 0) return null;
  return (
    <ul className="ro-problems" role="alert" data-testid="plan-problems">
      {problems.map((p, i) => (
        <li key={i}>
          <button
            type="button"
            className="ro-problem"
            onClick={() => onPick(p)}
            disabled={p.line === null}
            data-testid="plan-problem"
            data-line={p.line ?? ''}
            data-column={p.column ?? ''}
            data-field={p.field ?? ''}
          >
            <span className="ro-problem-where">
              {p.line !== null ? `line ${p.line}${p.column !== null ? `:${p.column}` : ''}` : 'plan'}
            </span>
            {p.field ? <code className="ro-problem-field">{p.field}</code> : null}
            <span className="ro-problem-message">{p.message}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}
