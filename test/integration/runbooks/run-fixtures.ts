import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runbooks written to a user folder (Settings -> runbooksFolder) for the run engine tests: each
 * exercises one behaviour with plain POSIX commands, so only the demo tests need kubectl.
 */
export const fixtureRunbooks: Record<string, string> = {
  'quoting.yaml': `apiVersion: fleetdeck.io/v1
kind: Runbook
id: quoting
title: Count the arguments a parameter becomes
params:
  - name: value
    description: Anything at all.
steps:
  - id: count
    title: Count
    # HOME points nowhere first: should quoting ever break, a '~' in the value harms nothing.
    command: HOME=/nonexistent/fleetdeck-quoting; set -- {{ params.value }}; echo "args=$#"; printf '[%s]\\n' "$@"
    check: { exit_code: 0 }
    timeout: 30s
`,
  'not-installed.yaml': `apiVersion: fleetdeck.io/v1
kind: Runbook
id: not-installed
title: Run a tool that is not installed
steps:
  - id: missing
    title: Ask the missing tool
    command: fleetdeck-no-such-tool --version
    timeout: 30s
`,
  'slow-step.yaml': `apiVersion: fleetdeck.io/v1
kind: Runbook
id: slow-step
title: A step that outlives its timeout
steps:
  - id: sleepy
    title: Sleep longer than allowed
    command: sleep 30; echo woke
    timeout: 1s
  - id: after
    title: Never reached
    command: echo after
`,
  'confirm-flow.yaml': `apiVersion: fleetdeck.io/v1
kind: Runbook
id: confirm-flow
title: Touch a marker after confirmation, then a manual step
params:
  - name: marker
    description: The file the destructive step creates.
steps:
  - id: look
    title: Look first
    command: echo looking
    check: { output: 'looking' }
  - id: touch
    title: Create the marker
    command: touch {{ params.marker }} && echo created
    confirm: true
    rollback: rm -f {{ params.marker }}
    check: { exit_code: 0 }
  - id: tell
    title: Tell the team
    manual: true
    guidance: Post in the incident channel.
`,
  'fail-rollback.yaml': `apiVersion: fleetdeck.io/v1
kind: Runbook
id: fail-rollback
title: A failing step rolls back the completed ones
params:
  - name: marker
    description: The file the first step creates and its rollback removes.
steps:
  - id: make
    title: Create the marker
    command: touch {{ params.marker }}
    rollback: rm -f {{ params.marker }}
  - id: fail
    title: Fail
    command: 'false'
    on_failure: rollback
`,
  'wait-for-file.yaml': `apiVersion: fleetdeck.io/v1
kind: Runbook
id: wait-for-file
title: Wait until a file appears, then go on
params:
  - name: dir
    description: Where the steps leave their traces.
steps:
  - id: first
    title: Leave a trace
    command: echo one > {{ params.dir }}/first
  - id: wait
    title: Wait for the go file
    command: while [ ! -e {{ params.dir }}/go ]; do sleep 0.2; done; echo went
    check: { output: '^went' }
    timeout: 10m
  - id: last
    title: Leave another trace
    command: echo three > {{ params.dir }}/last
`,
  'needs-file.yaml': `apiVersion: fleetdeck.io/v1
kind: Runbook
id: needs-file
title: Succeeds once a file exists
params:
  - name: dir
    description: Where the file is looked for.
steps:
  - id: look
    title: Look for the file
    command: test -e {{ params.dir }}/ok && echo found
`,
  'metric-timeout.yaml': `apiVersion: fleetdeck.io/v1
kind: Runbook
id: metric-timeout
title: Wait for a latency no endpoint reaches
steps:
  - id: never
    title: Wait for p95 under a millisecond
    command: 'true'
    check:
      metric: latency_p95 < 1ms
      timeout: 12s
`,
  'annotate-self.yaml': `apiVersion: fleetdeck.io/v1
kind: Runbook
id: annotate-self
title: A step adds a note to its own run
steps:
  - id: note
    title: Note from the terminal
    command: fleetdeck annotate "written by the step in its run terminal"
    check: { exit_code: 0 }
    timeout: 60s
`,
};

/** Writes the fixtures into `dir/runbooks` and returns that folder. */
export function writeFixtureRunbooks(dir: string, only?: string[]): string {
  const folder = join(dir, 'runbooks');
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(fixtureRunbooks))
    if (!only || only.includes(name)) writeFileSync(join(folder, name), text);
  return folder;
}
