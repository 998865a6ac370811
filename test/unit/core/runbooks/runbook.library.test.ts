import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/core/log/logger';
import { RunbookLibrary } from '../../../../src/core/runbooks/runbook.library';
import { relevanceFor } from '../../../../src/core/runbooks/runbook.relevance';
import type { Endpoint } from '../../../../src/shared/contract/fleet.schema';
import { defaultSettings, settingsPatchSchema } from '../../../../src/shared/contract/settings.schema';
import { freshDir } from '../../../support/tmp';

const runbook = (id: string, title = id, signals: string[] = []) => `apiVersion: fleetdeck.io/v1
kind: Runbook
id: ${id}
title: ${title}
signals: [${signals.join(', ')}]
steps:
  - title: Say hello
    command: echo hello
`;

function setup() {
  const tmp = freshDir('fleetdeck-runbooks-');
  cleanups.push(tmp.cleanup);
  const resourcesDir = join(tmp.dir, 'resources');
  const builtins = join(resourcesDir, 'runbooks');
  const user = join(tmp.dir, 'mine');
  mkdirSync(builtins, { recursive: true });
  mkdirSync(user);
  let folder: string | null = user;
  const library = new RunbookLibrary({ resourcesDir, userFolder: () => folder, log: silentLogger });
  return {
    library,
    builtins,
    user,
    setFolder: (f: string | null) => (folder = f),
  };
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('RunbookLibrary', () => {
  it('lists built-ins and the user folder; a malformed file is a problem and hides nothing', () => {
    const { library, builtins, user } = setup();
    writeFileSync(join(builtins, 'restart.yaml'), runbook('restart'));
    writeFileSync(join(user, 'a-good.yaml'), runbook('good-one'));
    writeFileSync(join(user, 'b-broken.yaml'), 'apiVersion: fleetdeck.io/v1\nkind: Runbook\nid: [broken\n');
    writeFileSync(join(user, 'c-good.yml'), runbook('good-two'));
    writeFileSync(join(user, 'notes.txt'), 'not a runbook');

    const { runbooks, problems } = library.list();
    expect(runbooks.map((r) => [r.id, r.source])).toEqual([
      ['restart', 'builtin'],
      ['good-one', 'user'],
      ['good-two', 'user'],
    ]);
    expect(runbooks[1]!.file).toBe(join(user, 'a-good.yaml'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: join(user, 'b-broken.yaml'), line: 4, column: 1 });
    expect(library.get('good-two')?.title).toBe('good-two');
    expect(library.get('b-broken')).toBeNull();
  });

  it('reports a duplicate id naming both files, and a user file never replaces a built-in', () => {
    const { library, builtins, user } = setup();
    writeFileSync(join(builtins, 'scale.yaml'), runbook('scale-out', 'Built-in'));
    writeFileSync(join(user, 'scale.yaml'), runbook('scale-out', 'Mine'));
    writeFileSync(join(user, 'x1.yaml'), runbook('twin', 'First'));
    writeFileSync(join(user, 'x2.yaml'), runbook('twin', 'Second'));

    const { runbooks, problems } = library.list();
    expect(runbooks.map((r) => [r.id, r.title])).toEqual([
      ['scale-out', 'Built-in'],
      ['twin', 'First'],
    ]);
    expect(problems.map((p) => [p.file, p.field])).toEqual([
      [join(user, 'scale.yaml'), 'id'],
      [join(user, 'x2.yaml'), 'id'],
    ]);
    expect(problems[0]!.message).toContain(join(builtins, 'scale.yaml'));
    expect(problems[1]!.message).toContain(join(user, 'x1.yaml'));
  });

  it('re-reads a file that changed and forgets one that was removed', () => {
    const { library, user } = setup();
    const file = join(user, 'r.yaml');
    writeFileSync(file, runbook('r', 'Before'));
    expect(library.get('r')?.title).toBe('Before');

    writeFileSync(file, runbook('r', 'After the fix'));
    // Same second, new size: still noticed; the mtime is also moved on to be sure.
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    expect(library.get('r')?.title).toBe('After the fix');

    writeFileSync(file, 'kind: [\n');
    utimesSync(file, new Date(Date.now() + 10_000), new Date(Date.now() + 10_000));
    expect(library.list().problems).toEqual([expect.objectContaining({ file, line: 2 })]);

    rmSync(file);
    expect(library.list()).toEqual({ runbooks: [], problems: [] });
  });

  it('names a user folder that does not exist, and has none when unset', () => {
    const { library, user, setFolder } = setup();
    setFolder(join(user, 'missing'));
    expect(library.list().problems).toEqual([
      expect.objectContaining({
        file: join(user, 'missing'),
        message: expect.stringContaining('does not exist'),
      }),
    ]);
    setFolder(null);
    expect(library.list().problems).toEqual([]);
  });

  it('suggests the runbooks whose signals match an unhealthy endpoint first, with why', () => {
    const { library, builtins } = setup();
    writeFileSync(join(builtins, '0.yaml'), runbook('quiet', 'Quiet', ['gpu_util']));
    writeFileSync(join(builtins, 'a.yaml'), runbook('restart', 'Restart', ['replicas_not_ready']));
    writeFileSync(
      join(builtins, 'b.yaml'),
      runbook('scale-out', 'Scale', ['latency_p95', 'replicas_not_ready']),
    );
    const sick = endpointWith('critical', 'p95 31 s > 24 s for 3 min; 1 of 3 replicas ready');

    const { runbooks } = library.suggest(sick);
    expect(runbooks.map((r) => [r.id, r.relevance])).toEqual([
      ['scale-out', 'For critical: p95 31 s > 24 s for 3 min; 1 of 3 replicas ready'],
      ['restart', 'For critical: 1 of 3 replicas ready'],
      ['quiet', null],
    ]);
    const healthy = library.suggest(endpointWith('ok', 'within SLO')).runbooks;
    expect(healthy.map((r) => r.relevance)).toEqual([null, null, null]);
  });
});

describe('relevanceFor', () => {
  it('matches canonical signals and free text, scoring more matches higher', () => {
    const e = endpointWith('warning', 'error rate 2.0% > 1.0% for 2 min; GPU Xid 79 on node h100-1');
    expect(relevanceFor({ signals: ['error_rate'] }, e)).toEqual({
      score: 1,
      text: 'For warning: error rate 2.0% > 1.0% for 2 min',
    });
    expect(relevanceFor({ signals: ['xid', 'error_rate'] }, e)?.score).toBe(2);
    expect(relevanceFor({ signals: ['latency_p95'] }, e)).toBeNull();
    expect(
      relevanceFor({ signals: ['no_metrics'] }, endpointWith('unknown', 'no metrics for 6 min'))?.text,
    ).toBe('For missing data: no metrics for 6 min');
  });
});

function endpointWith(status: Endpoint['health']['status'], reason: string): Endpoint {
  return { health: { status, reason, since: 0 } } as Endpoint;
}

describe('RunbookLibrary limits', () => {
  it('refuses a file too large to be a runbook without parsing it', () => {
    const { library, user } = setup();
    writeFileSync(join(user, 'huge.yaml'), `# ${'x'.repeat(600 * 1024)}\n${runbook('huge')}`);
    writeFileSync(join(user, 'small.yaml'), runbook('small'));
    const { runbooks, problems } = library.list();
    expect(runbooks.map((r) => r.id)).toEqual(['small']);
    expect(problems).toEqual([
      expect.objectContaining({
        file: join(user, 'huge.yaml'),
        message: expect.stringMatching(/at most 512 KB/),
      }),
    ]);
  });
});

describe('the runbooksFolder setting', () => {
  it('takes an absolute folder or nothing', () => {
    expect(settingsPatchSchema.safeParse({ runbooksFolder: '/home/me/runbooks' }).success).toBe(true);
    expect(settingsPatchSchema.safeParse({ runbooksFolder: 'C:\\Users\\me\\runbooks' }).success).toBe(true);
    expect(settingsPatchSchema.safeParse({ runbooksFolder: '' }).success).toBe(true);
    const relative = settingsPatchSchema.safeParse({ runbooksFolder: 'runbooks' });
    expect(relative.success).toBe(false);
    expect(relative.error?.issues[0]?.message).toContain('absolute folder path');
    expect(defaultSettings.runbooksFolder).toBe('');
  });
});
