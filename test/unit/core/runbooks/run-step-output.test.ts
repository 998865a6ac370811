import { describe, expect, it } from 'vitest';
import {
  CappedText,
  plainText,
  STEP_OUTPUT_HEAD_CHARS,
  STEP_OUTPUT_TAIL_CHARS,
} from '../../../../src/core/runbooks/step-output';
import { evaluateCheck, failureDetail } from '../../../../src/core/runbooks/step-verdict';
import type { StoredStep } from '../../../../src/core/runbooks/run.store';

const ESC = '\x1b';

const step = (over: Partial<StoredStep> = {}): StoredStep => ({
  idx: 0,
  title: 'Step',
  kind: 'command',
  confirm: false,
  command: 'kubectl get pods',
  state: 'running',
  exitCode: null,
  check: null,
  startedAt: null,
  endedAt: null,
  output: '',
  transcript: null,
  confirmedBy: null,
  rollback: null,
  checkDef: null,
  onFailure: 'stop',
  timeoutSeconds: 30,
  ...over,
});

describe('a step output as text', () => {
  it('drops colours, titles, bracketed paste and keeps the last state of a progress line', () => {
    const raw = `${ESC}[?2004h${ESC}]0;title\x07${ESC}[32mok${ESC}[0m\r\n10%\r50%\r100%\r\nend\r\n`;
    expect(plainText(raw)).toBe('ok\n100%\nend\n');
  });

  it('keeps the start and the end of a flood, says how much it left out, and redacts secrets', () => {
    const out = new CappedText();
    const key = ['sk', 'A'.repeat(24)].join('-');
    out.append(`token ${key}\n`);
    for (let i = 0; i < 2000; i++) out.append('y\n'.repeat(100));
    out.append('last line\n');
    const text = out.text();
    expect(text.startsWith('token sk-[redacted]\n')).toBe(true);
    expect(text).not.toContain(key);
    expect(text.endsWith('last line\n')).toBe(true);
    expect(text).toMatch(/\[\.\.\. \d+ characters of output not kept \.\.\.\]/);
    expect(text.length).toBeLessThan(STEP_OUTPUT_HEAD_CHARS + STEP_OUTPUT_TAIL_CHARS + 100);
  });
});

describe('the verdict on a finished command', () => {
  it('names the program that is not installed', () => {
    expect(failureDetail(step(), 127, 'bash: kubectl: command not found\n')).toContain(
      "'kubectl' is not installed",
    );
  });

  it('leaves an exit code check that expects the code to the check', () => {
    const s = step({ checkDef: { kind: 'exit_code', equals: 3, timeoutSeconds: 30 } });
    expect(failureDetail(s, 3, '')).toBeNull();
    expect(evaluateCheck(s, 3, '').ok).toBe(true);
    expect(evaluateCheck(s, 0, '')).toEqual({ ok: false, detail: 'Exited with 0; expected 3.' });
  });

  it('fails a non-zero exit before an output check, and matches the output per line', () => {
    const s = step({
      checkDef: { kind: 'output', matches: '^deployment\\.apps/x scaled$', timeoutSeconds: 30 },
    });
    expect(failureDetail(s, 1, 'deployment.apps/x scaled')).toContain('Exited with 1');
    expect(evaluateCheck(s, 0, 'warning\ndeployment.apps/x scaled\n').ok).toBe(true);
    expect(evaluateCheck(s, 0, 'deployment.apps/y scaled\n').ok).toBe(false);
  });
});
