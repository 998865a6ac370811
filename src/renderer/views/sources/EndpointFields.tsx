import { controlProps, FormField } from './FormField';
import { SecretInput } from './SecretInput';
import {
  probesPerDay,
  type FormField as Field,
  type PrometheusAuthType,
  type SecretSlot,
  type SourceFormValues,
} from './source-form';
import type { TypedSecrets } from '../../stores/sources.slice';

/** What the secret fields need from the form: what was typed, and what is already stored. */
export interface SecretProps {
  typed: TypedSecrets;
  stored: Partial<Record<SecretSlot, string>>;
  /** Bumped after each store, so a field that was being replaced shows its stored name again. */
  round: number;
  onType: (slot: SecretSlot, value: string) => void;
}

const authChoices: { value: PrometheusAuthType; label: string }[] = [
  { value: 'none', label: 'None' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'basic', label: 'Basic (user and password)' },
];

const SECRET_HELP =
  'Typed once and stored as a named secret (encrypted, readable only by you); the source keeps its name, never the value.';

export function PrometheusFields({
  values,
  issues,
  secrets,
  onChange,
}: {
  values: SourceFormValues['prometheus'];
  issues: Partial<Record<Field, string>>;
  secrets: SecretProps;
  onChange: (next: SourceFormValues['prometheus']) => void;
}) {
  return (
    <>
      <FormField
        id="prometheus-url"
        label="URL"
        issue={issues.url}
        help="The base URL; the API is under <URL>/api/v1. For Mimir include the prefix (https://mimir.example/prometheus)."
      >
        <input
          className="control control-wide control-mono"
          type="url"
          spellCheck={false}
          autoComplete="off"
          placeholder="http://prometheus.monitoring:9090"
          value={values.url}
          onChange={(e) => onChange({ ...values, url: e.target.value })}
          {...controlProps('prometheus-url', issues.url)}
        />
      </FormField>
      <fieldset className={`field field-fieldset${issues.auth ? ' field-invalid' : ''}`}>
        <legend className="field-label">Authentication</legend>
        <div className="field-control">
          <div className="segmented" role="radiogroup" aria-label="Authentication">
            {authChoices.map((choice) => (
              <label key={choice.value} className="segmented-option">
                <input
                  type="radio"
                  name="prometheus-auth"
                  value={choice.value}
                  checked={values.auth === choice.value}
                  onChange={() => onChange({ ...values, auth: choice.value })}
                  data-testid={`prometheus-auth-${choice.value}`}
                />
                <span>{choice.label}</span>
              </label>
            ))}
          </div>
          {issues.auth ? (
            <p className="field-help">
              <span className="field-issue">{issues.auth}</span>
            </p>
          ) : null}
        </div>
      </fieldset>
      {values.auth === 'bearer' ? (
        <FormField id="prometheus-token" label="Token" issue={issues.token} help={SECRET_HELP}>
          <SecretInput
            key={`token-${secrets.round}`}
            id="prometheus-token"
            value={secrets.typed['prometheus-token'] ?? ''}
            storedName={secrets.stored['prometheus-token']}
            invalid={Boolean(issues.token)}
            describedBy="prometheus-token-desc"
            onChange={(v) => secrets.onType('prometheus-token', v)}
          />
        </FormField>
      ) : null}
      {values.auth === 'basic' ? (
        <>
          <FormField id="prometheus-username" label="Username" issue={issues.username}>
            <input
              className="control"
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={values.username}
              onChange={(e) => onChange({ ...values, username: e.target.value })}
              {...controlProps('prometheus-username', issues.username, false)}
            />
          </FormField>
          <FormField id="prometheus-password" label="Password" issue={issues.password} help={SECRET_HELP}>
            <SecretInput
              key={`password-${secrets.round}`}
              id="prometheus-password"
              value={secrets.typed['prometheus-password'] ?? ''}
              storedName={secrets.stored['prometheus-password']}
              invalid={Boolean(issues.password)}
              describedBy="prometheus-password-desc"
              onChange={(v) => secrets.onType('prometheus-password', v)}
            />
          </FormField>
        </>
      ) : null}
    </>
  );
}

export function OpenAIFields({
  values,
  issues,
  secrets,
  onChange,
}: {
  values: SourceFormValues['openai'];
  issues: Partial<Record<Field, string>>;
  secrets: SecretProps;
  onChange: (next: SourceFormValues['openai']) => void;
}) {
  const perDay = probesPerDay(values.probeIntervalSeconds);
  return (
    <>
      <FormField
        id="openai-base-url"
        label="Base URL"
        issue={issues.baseUrl}
        help="The API base as OpenAI clients take it; /v1 is added if absent."
      >
        <input
          className="control control-wide control-mono"
          type="url"
          spellCheck={false}
          autoComplete="off"
          placeholder="https://api.openai.com/v1"
          value={values.baseUrl}
          onChange={(e) => onChange({ ...values, baseUrl: e.target.value })}
          {...controlProps('openai-base-url', issues.baseUrl)}
        />
      </FormField>
      <FormField
        id="openai-api-key"
        label="API key"
        optional
        issue={issues.apiKey}
        help={`Blank for servers without auth. ${SECRET_HELP}`}
      >
        <SecretInput
          key={`key-${secrets.round}`}
          id="openai-api-key"
          value={secrets.typed['openai-api-key'] ?? ''}
          storedName={secrets.stored['openai-api-key']}
          invalid={Boolean(issues.apiKey)}
          describedBy="openai-api-key-desc"
          placeholder="sk-…"
          onChange={(v) => secrets.onType('openai-api-key', v)}
        />
      </FormField>
      <fieldset className={`field field-fieldset${issues.probeInterval ? ' field-invalid' : ''}`}>
        <legend className="field-label">Synthetic probe</legend>
        <div className="field-control">
          <label className="check-option">
            <input
              type="checkbox"
              checked={values.probeEnabled}
              onChange={(e) => onChange({ ...values, probeEnabled: e.target.checked })}
              data-testid="openai-probe-enabled"
            />
            <span>Measure time to first token and latency with a tiny prompt</span>
          </label>
          <span className="control-with-unit">
            <label htmlFor="openai-probe-interval" className="muted">
              every
            </label>
            <input
              className="control control-number"
              type="number"
              inputMode="numeric"
              min={30}
              disabled={!values.probeEnabled}
              value={values.probeIntervalSeconds}
              onChange={(e) => onChange({ ...values, probeIntervalSeconds: e.target.value })}
              {...controlProps('openai-probe-interval', issues.probeInterval)}
            />
            <span className="unit">seconds</span>
          </span>
          <p className="cost-note" id="openai-probe-interval-desc" data-testid="openai-probe-cost">
            <strong>Costs money:</strong> every probe is a billed chat completion (up to 8 output tokens) to
            one model
            {perDay !== null
              ? `, about ${perDay.toLocaleString('en-US')} requests a day at this interval`
              : ''}
            . The free health check on /v1/models runs either way. At least 30 seconds.
            {issues.probeInterval ? (
              <span className="field-issue" data-testid="openai-probe-interval-issue">
                {' '}
                {issues.probeInterval}
              </span>
            ) : null}
          </p>
        </div>
      </fieldset>
    </>
  );
}

export function ScrapeFields({
  values,
  issues,
  onChange,
}: {
  values: SourceFormValues['scrape'];
  issues: Partial<Record<Field, string>>;
  onChange: (next: SourceFormValues['scrape']) => void;
}) {
  return (
    <FormField
      id="scrape-interval"
      label="Interval"
      issue={issues.intervalSeconds}
      help="How often each model-server pod's /metrics is read; the pods come from your Kubernetes sources. 1–3600 seconds; large fleets are read less often, and the status says so."
    >
      <span className="control-with-unit">
        <input
          className="control control-number"
          type="number"
          inputMode="numeric"
          min={1}
          max={3600}
          value={values.intervalSeconds}
          onChange={(e) => onChange({ intervalSeconds: e.target.value })}
          {...controlProps('scrape-interval', issues.intervalSeconds)}
        />
        <span className="unit">seconds</span>
      </span>
    </FormField>
  );
}
