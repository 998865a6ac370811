import { useEffect, useRef, useState } from 'react';
import type { HealingPolicy } from '../../../shared/contract/index';
import { ErrorNotice } from '../../components/ErrorNotice';
import { SpinnerIcon } from '../../components/icons';
import { useCheckedText } from '../../components/use-checked-text';
import { useFleet } from '../../stores/fleet.store';
import { goToLine, PlanEditor, PlanProblems } from '../rollouts/PlanEditor';

/**
 * A policy's YAML, checked by the core as it is typed (healing.validate): each problem names
 * its line and field and moves the caret there. Save is offered once the text in the box is the
 * text the core found valid, so what is saved is what was checked.
 */
export function PolicyEditorPanel({
  initialText,
  editing,
  onDone,
}: {
  initialText: string;
  /** The policy being edited, or null for a new one. */
  editing: HealingPolicy | null;
  onDone(saved: HealingPolicy | null): void;
}) {
  const [text, setText] = useState(initialText);
  const validate = useFleet((s) => s.validatePolicy);
  const check = useFleet((s) => s.policyCheck);
  const checking = useFleet((s) => s.policyCheckPending);
  const checkError = useFleet((s) => s.policyCheckError);
  const clear = useFleet((s) => s.clearPolicyCheck);
  const save = useFleet((s) => s.savePolicy);
  const saving = useFleet((s) => s.policySavePending);
  const saveError = useFleet((s) => s.policySaveError);
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    clear();
    return clear;
  }, [clear]);
  const current = useCheckedText(text, check, validate);
  const problems = check?.problems ?? [];
  const canSave = current !== null && current.ok && !saving && !checking;
  // Saving under another id creates a second policy; say so rather than let it surprise.
  const renamed = editing && current?.policy && current.policy.id !== editing.id ? current.policy.id : null;

  return (
    <section className="panel heal-editor" aria-label="Policy editor" data-testid="policy-editor">
      <header className="heal-editor-head">
        <h2 className="panel-title">{editing ? `Edit ${editing.title}` : 'New policy'}</h2>
        <span
          className="heal-check"
          aria-live="polite"
          data-testid="policy-check"
          data-state={checking || !current ? 'checking' : current.ok ? 'valid' : 'invalid'}
        >
          {checking || (text.trim() && !current)
            ? 'Checking…'
            : current?.ok
              ? `Valid · ${current.policy?.mode ?? ''}`
              : current
                ? `${problems.length} problem${problems.length === 1 ? '' : 's'}`
                : ''}
        </span>
      </header>
      <PlanEditor
        text={text}
        problems={problems}
        onChange={setText}
        textareaRef={area}
        label="Healing policy (YAML)"
      />
      <PlanProblems
        problems={problems}
        onPick={(p) => area.current && p.line !== null && goToLine(area.current, p.line, p.column)}
      />
      {renamed ? (
        <p className="heal-note" data-testid="policy-renamed">
          The id is now <code>{renamed}</code>: saving adds a new policy and keeps <code>{editing?.id}</code>.
        </p>
      ) : null}
      {checkError ? <ErrorNotice title="The policy could not be checked" error={checkError} /> : null}
      {saveError ? (
        <ErrorNotice title="The policy was not saved" error={saveError} testId="policy-save-error" />
      ) : null}
      <div className="heal-editor-actions">
        <button type="button" className="button" onClick={() => onDone(null)} data-testid="policy-cancel">
          Cancel
        </button>
        <button
          type="button"
          className="button button-primary"
          disabled={!canSave}
          onClick={() => void save(text).then((saved) => saved && onDone(saved))}
          data-testid="policy-save"
        >
          {saving ? <SpinnerIcon className="spin" /> : null}
          Save policy
        </button>
      </div>
    </section>
  );
}
