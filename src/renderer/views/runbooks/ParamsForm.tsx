import type { RunbookParam } from '../../../shared/contract/index';
import type { RunbookRender } from '../../stores/runbooks.slice';

type Resolved = RunbookRender['params'][number];

const DURATION = /^\d+(\.\d+)?(ms|s|m|h|d)$/;

/**
 * What is wrong with a typed value, in words, or null. The core checks again (it is the one
 * that quotes and runs); this only saves a round trip for the obvious mistakes.
 */
export function paramIssue(param: RunbookParam, value: string | undefined, bound: boolean): string | null {
  if (value === undefined || value === '') return missing(param, value, bound) ? 'Required.' : null;
  if (param.type === 'integer' && !/^-?\d+$/.test(value)) return 'A whole number, such as 3.';
  if (param.type === 'number' && !Number.isFinite(Number(value))) return 'A number, such as 1.5.';
  if (param.type === 'duration' && !DURATION.test(value)) return 'A duration, such as 30s, 5m or 1h.';
  if (param.enum && !param.enum.includes(value)) return `One of: ${param.enum.join(', ')}.`;
  if (param.pattern) {
    try {
      if (!new RegExp(`^(?:${param.pattern})$`).test(value)) return `Must match ${param.pattern}.`;
    } catch {
      // A pattern the browser cannot compile is the core's to report.
    }
  }
  return null;
}

/** Required, nothing typed, and neither a default nor a bound endpoint to take it from. */
export const missing = (param: RunbookParam, value: string | undefined, bound: boolean): boolean =>
  (value === undefined || value === '') && param.required && param.default === null && !(param.bind && bound);

const fromWords: Record<Resolved['from'], string> = {
  var: 'typed here',
  endpoint: 'from the endpoint',
  default: 'the default',
};

/** Where a parameter's value comes from when nothing is typed, before the core has said. */
function expectedSource(param: RunbookParam, bound: boolean): string {
  if (param.bind && bound) return `bound to the endpoint's ${param.bind}`;
  if (param.bind) return `bound to an endpoint's ${param.bind} (pick an endpoint)`;
  if (param.default !== null) return `default ${String(param.default)}`;
  return param.required ? 'required' : 'optional';
}

/**
 * The runbook's parameters as typed inputs. An empty input means "not set here": the value then
 * comes from the endpoint or the default, and the resolved value and its origin (from the core's
 * render) are shown under the field.
 */
export function ParamsForm({
  params,
  vars,
  resolved,
  bound,
  onChange,
}: {
  params: readonly RunbookParam[];
  vars: Record<string, string>;
  resolved: RunbookRender['params'] | null;
  /** An endpoint is selected, so endpoint-bound parameters have a value to take. */
  bound: boolean;
  onChange: (name: string, value: string) => void;
}) {
  if (params.length === 0) return <p className="muted">This runbook takes no parameters.</p>;
  return (
    <div className="rb-params" data-testid="runbook-params">
      {params.map((p) => {
        const id = `rb-param-${p.name}`;
        const value = vars[p.name] ?? '';
        // A value still to give is a hint, not an error: only a malformed value is marked invalid.
        const lacking = missing(p, vars[p.name], bound);
        const issue = lacking ? null : paramIssue(p, vars[p.name], bound);
        const final = resolved?.find((r) => r.name === p.name);
        const placeholder = p.default !== null ? String(p.default) : p.bind ? `endpoint ${p.bind}` : '';
        const common = {
          id,
          'aria-invalid': issue ? true : undefined,
          'aria-describedby': `${id}-help`,
          'data-testid': `param-${p.name}`,
        } as const;
        return (
          <div className="field rb-param" key={p.name}>
            <label className="field-label" htmlFor={id}>
              <code>{p.name}</code> <span className="muted">{p.type}</span>
              {/* With a default it always has a value: "required" would only alarm. */}
              {p.required && p.default === null ? <span className="rb-required"> required</span> : null}
            </label>
            {p.enum ? (
              <select
                className="control"
                value={value}
                onChange={(e) => onChange(p.name, e.target.value)}
                {...common}
              >
                <option value="">{placeholder ? `(${placeholder})` : '(not set)'}</option>
                {p.enum.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            ) : p.type === 'boolean' ? (
              <select
                className="control"
                value={value}
                onChange={(e) => onChange(p.name, e.target.value)}
                {...common}
              >
                <option value="">{placeholder ? `(${placeholder})` : '(not set)'}</option>
                <option value="true">true</option>
                <option value="false">false</option>
              </select>
            ) : (
              <input
                className={p.type === 'integer' || p.type === 'number' ? 'control control-number' : 'control'}
                type="text"
                inputMode={p.type === 'integer' ? 'numeric' : p.type === 'number' ? 'decimal' : undefined}
                spellCheck={false}
                autoComplete="off"
                value={value}
                placeholder={placeholder}
                onChange={(e) => onChange(p.name, e.target.value)}
                {...common}
              />
            )}
            <p className="field-help" id={`${id}-help`}>
              {p.description ? `${p.description} ` : ''}
              <span
                className="rb-param-source"
                data-testid={`param-source-${p.name}`}
                data-from={final?.from}
              >
                {final ? (
                  <>
                    → <code>{final.value}</code> ({fromWords[final.from]})
                  </>
                ) : (
                  `(${expectedSource(p, bound)})`
                )}
              </span>
            </p>
            {issue ? <p className="field-issue">{issue}</p> : null}
            {lacking ? (
              <p className="rb-param-lacking">
                Needed: type a value{p.bind ? ' or bind the runbook to an endpoint' : ''}.
              </p>
            ) : null}
          </div>
        );
      })}
    </div>
  );
}
