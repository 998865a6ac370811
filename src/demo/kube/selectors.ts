import type { KubeObject } from './object-store.types';
import { badRequest } from './status-error';

/**
 * Label and field selectors with the apiserver's grammar (k8s.io/apimachinery labels.Parse and
 * fields.ParseSelector): `a=b,c!=d,e in (x,y),f notin (z),g,!h` and `metadata.name=x,status.phase!=Running`.
 * Parsed once per request into a predicate; invalid input is a 400 like the real server's.
 */
export type LabelRequirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'gt' | 'lt'; value: number };

export type Predicate = (object: KubeObject) => boolean;

const matchAll: Predicate = () => true;

/** Splits on commas that are not inside parentheses (set values) and not backslash-escaped. */
function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i]!;
    if (ch === '\\' && i + 1 < selector.length) {
      current += ch + selector[++i];
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.map((part) => part.trim());
}

const keyPattern = /^([a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?\/)?[a-zA-Z0-9]([-_.a-zA-Z0-9]*[a-zA-Z0-9])?$/;

function checkKey(key: string, selector: string): string {
  if (!keyPattern.test(key))
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${selector}"`);
  return key;
}

export function parseLabelSelector(selector: string | undefined): LabelRequirement[] {
  if (!selector || !selector.trim()) return [];
  const requirements: LabelRequirement[] = [];
  for (const part of splitTopLevel(selector)) {
    if (!part)
      throw badRequest(`unable to parse requirement: found '', expected: identifier in "${selector}"`);
    let match: RegExpMatchArray | null;
    if (part.startsWith('!')) {
      requirements.push({ key: checkKey(part.slice(1).trim(), selector), op: 'notexists' });
    } else if ((match = part.match(/^(\S+)\s+(in|notin)\s*\((.*)\)$/))) {
      const values = match[3]!
        .split(',')
        .map((value) => value.trim())
        .filter((value, index, all) => value !== '' || all.length > 1);
      requirements.push({ key: checkKey(match[1]!, selector), op: match[2] as 'in' | 'notin', values });
    } else if ((match = part.match(/^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(.*)$/))) {
      const key = checkKey(match[1]!, selector);
      const value = match[3]!.trim();
      if (match[2] === '<' || match[2] === '>') {
        const number = Number(value);
        if (!Number.isFinite(number))
          throw badRequest(`unable to parse requirement: "${value}" is not an integer`);
        requirements.push({ key, op: match[2] === '<' ? 'lt' : 'gt', value: number });
      } else {
        requirements.push({ key, op: match[2] === '!=' ? 'neq' : 'eq', value });
      }
    } else {
      requirements.push({ key: checkKey(part, selector), op: 'exists' });
    }
  }
  return requirements;
}

export function labelsMatch(
  requirements: LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  for (const requirement of requirements) {
    const value = labels?.[requirement.key];
    switch (requirement.op) {
      case 'eq':
        if (value !== requirement.value) return false;
        break;
      case 'neq':
        if (value === requirement.value) return false;
        break;
      case 'in':
        if (value === undefined || !requirement.values.includes(value)) return false;
        break;
      case 'notin':
        if (value !== undefined && requirement.values.includes(value)) return false;
        break;
      case 'exists':
        if (value === undefined) return false;
        break;
      case 'notexists':
        if (value !== undefined) return false;
        break;
      case 'gt':
      case 'lt': {
        const number = Number(value);
        if (value === undefined || !Number.isFinite(number)) return false;
        if (requirement.op === 'gt' ? !(number > requirement.value) : !(number < requirement.value))
          return false;
        break;
      }
    }
  }
  return true;
}

export function compileLabelSelector(selector: string | undefined): Predicate {
  const requirements = parseLabelSelector(selector);
  if (requirements.length === 0) return matchAll;
  return (object) => labelsMatch(requirements, object.metadata.labels);
}

/** Converts `{matchLabels, matchExpressions}` (a Deployment's selector) to selector text. */
export function labelSelectorToString(selector: {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}): string {
  const parts = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
  for (const expression of selector.matchExpressions ?? []) {
    const op = expression.operator.toLowerCase();
    if (op === 'exists') parts.push(expression.key);
    else if (op === 'doesnotexist') parts.push(`!${expression.key}`);
    else parts.push(`${expression.key} ${op} (${(expression.values ?? []).join(',')})`);
  }
  return parts.join(',');
}

export interface FieldRequirement {
  field: string;
  op: 'eq' | 'neq';
  value: string;
}

const unescapeField = (value: string) => value.replace(/\\(.)/g, '$1');

export function parseFieldSelector(selector: string | undefined): FieldRequirement[] {
  if (!selector || !selector.trim()) return [];
  return splitTopLevel(selector).map((part) => {
    const match = part.match(/^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/);
    if (!match) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    return { field: match[1]!, op: match[2] === '!=' ? 'neq' : 'eq', value: unescapeField(match[3]!.trim()) };
  });
}

/** A field's value as the apiserver's field-label conversion reports it (missing -> ''). */
export function fieldValue(object: KubeObject, field: string): string {
  if (field === 'source')
    return String((object.source as { component?: string } | undefined)?.component ?? '');
  let current: unknown = object;
  for (const segment of field.split('.')) {
    if (current === null || typeof current !== 'object') return '';
    current = (current as Record<string, unknown>)[segment];
  }
  if (current === undefined || current === null) return field === 'spec.unschedulable' ? 'false' : '';
  return typeof current === 'object' ? JSON.stringify(current) : String(current);
}

/**
 * @param selectable fields the resource supports besides metadata.name/namespace; anything else
 *   is rejected the way the apiserver does ("field label not supported").
 */
export function compileFieldSelector(selector: string | undefined, selectable: readonly string[]): Predicate {
  const requirements = parseFieldSelector(selector);
  if (requirements.length === 0) return matchAll;
  for (const requirement of requirements) {
    if (
      requirement.field !== 'metadata.name' &&
      requirement.field !== 'metadata.namespace' &&
      !selectable.includes(requirement.field)
    ) {
      throw badRequest(`field label not supported: ${requirement.field}`);
    }
  }
  return (object) =>
    requirements.every((requirement) => {
      const value = fieldValue(object, requirement.field);
      return requirement.op === 'eq' ? value === requirement.value : value !== requirement.value;
    });
}
