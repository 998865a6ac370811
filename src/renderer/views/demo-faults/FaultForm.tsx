import { useState, type FormEvent } from 'react';
import { defaultSettings } from '../../../shared/contract/index';
import { ErrorNotice } from '../../components/ErrorNotice';
import { CheckIcon, SpinnerIcon } from '../../components/icons';
import { formatClock } from '../../format/display-format';
import type { FaultKind } from '../../stores/demo.slice';
import { useFleet } from '../../stores/fleet.store';
import { controlProps, FormField } from '../sources/FormField';
import { FaultIcon } from '../sources/source-icons';
import { DEFAULT_DURATION_S, faultKindChoices, faultLabel } from './fault-kinds';
import { TargetPicker } from './TargetPicker';

/**
 * demo.fault from the console. The form checks nothing itself: the core's refusal (unknown
 * endpoint, a node where an endpoint is needed, a duration out of range) is shown verbatim.
 */
export function FaultForm() {
  const injecting = useFleet((s) => s.injecting);
  const injectError = useFleet((s) => s.injectError);
  const lastInjected = useFleet((s) => s.lastInjected);
  const injectFault = useFleet((s) => s.injectFault);
  const dismiss = useFleet((s) => s.dismissInjectResult);
  const timeFormat = useFleet((s) => s.settings?.timeFormat ?? defaultSettings.timeFormat);
  const [kind, setKind] = useState<FaultKind>('latency_spike');
  const [target, setTarget] = useState('');
  const [duration, setDuration] = useState(String(DEFAULT_DURATION_S));

  const description = faultKindChoices.find((c) => c.kind === kind)?.description ?? '';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = Number(duration.trim());
    await injectFault({
      kind,
      target,
      durationS: duration.trim() !== '' && Number.isFinite(parsed) ? parsed : duration,
    });
  };
  const changed = () => {
    if (injectError || lastInjected) dismiss();
  };
  const where = injectError?.message ?? '';
  const targetInvalid = Boolean(injectError) && /target|endpoint|node/i.test(where);
  const durationInvalid = Boolean(injectError) && /duration/i.test(where);

  return (
    <form className="panel fault-form" onSubmit={(e) => void submit(e)} noValidate data-testid="fault-form">
      <h2 className="panel-title">Inject a fault</h2>
      <FormField id="fault-kind" label="Fault" help={description}>
        <select
          className="control"
          value={kind}
          onChange={(e) => {
            const next = e.target.value as FaultKind;
            // A node and an endpoint are different things: switching between them clears the target.
            if ((next === 'gpu_xid') !== (kind === 'gpu_xid')) setTarget('');
            setKind(next);
            changed();
          }}
          {...controlProps('fault-kind', undefined)}
        >
          {faultKindChoices.map((choice) => (
            <option key={choice.kind} value={choice.kind}>
              {choice.label} ({choice.kind})
            </option>
          ))}
        </select>
      </FormField>
      <div className={`field${targetInvalid ? ' field-invalid' : ''}`}>
        <label className="field-label" htmlFor="fault-target">
          {kind === 'gpu_xid' ? 'GPU node' : 'Endpoint'}
        </label>
        <div className="field-control">
          <TargetPicker
            kind={kind}
            value={target}
            invalid={targetInvalid}
            onChange={(value) => {
              setTarget(value);
              changed();
            }}
          />
        </div>
      </div>
      <FormField
        id="fault-duration"
        label="Duration"
        help="How long it lasts; it ends by itself. 1 s to 24 h (86400 s)."
      >
        <span className="control-with-unit">
          <input
            className="control control-number"
            type="number"
            inputMode="numeric"
            min={1}
            max={86_400}
            value={duration}
            onChange={(e) => {
              setDuration(e.target.value);
              changed();
            }}
            {...controlProps('fault-duration', durationInvalid ? 'refused' : undefined)}
          />
          <span className="unit">seconds</span>
        </span>
      </FormField>
      <div className="form-feedback" aria-live="polite">
        {injectError ? (
          <ErrorNotice title="The demo refused the fault" error={injectError} testId="fault-refused" />
        ) : null}
        {lastInjected ? (
          <p className="saved" data-testid="fault-injected">
            <CheckIcon /> {faultLabel(lastInjected.kind)} on <code>{lastInjected.target}</code> until{' '}
            {formatClock(lastInjected.endsAt, timeFormat, true)}.
          </p>
        ) : null}
      </div>
      <div className="form-actions">
        <button
          type="submit"
          className="button button-danger"
          disabled={injecting}
          data-testid="fault-inject"
        >
          {injecting ? <SpinnerIcon /> : <FaultIcon />}
          <span>{injecting ? 'Injecting…' : 'Inject fault'}</span>
        </button>
      </div>
    </form>
  );
}
