import type { RunbookProblem } from '../../../shared/contract/index';
import { WarningIcon } from '../../components/icons';

/** `file:line:column`, the form editors and terminals turn into a jump to the spot. */
export const problemPlace = (p: RunbookProblem): string =>
  p.line === null ? p.file : `${p.file}:${p.line}${p.column === null ? '' : `:${p.column}`}`;

/** "1 runbook file could not be used (3 problems)": files and problems are not the same count. */
function headline(problems: readonly RunbookProblem[]): string {
  const files = new Set(problems.map((p) => p.file)).size;
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return `${files === 1 ? '1 runbook file' : `${files} runbook files`} could not be used (${count})`;
}

/**
 * Runbook files that could not be used, each with where and why (issue 5: "a malformed file is
 * listed with its error (file, line, column) and does not hide the others"). Shown beside the
 * list, never instead of it.
 */
export function RunbookProblems({ problems }: { problems: readonly RunbookProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <section className="panel rb-problems" aria-labelledby="rb-problems-title" data-testid="runbook-problems">
      <h2 className="panel-title rb-problems-title" id="rb-problems-title">
        <WarningIcon />
        {headline(problems)}
      </h2>
      <ul className="rb-problem-list">
        {problems.map((p, i) => (
          <li
            key={`${p.file}:${i}`}
            className="rb-problem"
            data-testid="runbook-problem"
            data-file={p.file}
            data-line={p.line ?? undefined}
            data-column={p.column ?? undefined}
          >
            <code className="rb-problem-place">{problemPlace(p)}</code>
            {p.line !== null ? (
              <span className="muted">
                {' '}
                (line {p.line}
                {p.column !== null ? `, column ${p.column}` : ''})
              </span>
            ) : null}
            <p className="rb-problem-message">
              {/* The field, unless the message already names it ("steps[0].title is required"). */}
              {p.field && !p.message.includes(p.field) ? (
                <>
                  <code>{p.field}</code>:{' '}
                </>
              ) : null}
              {p.message}
            </p>
          </li>
        ))}
      </ul>
      <p className="muted rb-problem-hint">Fix the file, then press Reload.</p>
    </section>
  );
}
