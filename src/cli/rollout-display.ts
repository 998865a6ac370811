import type { Rollout } from '../shared/contract/index';
import type { LiveScreen } from './cli-command';
import {
  currentStepText,
  decisionText,
  strategyText,
  versionsText,
  weightBar,
  weightText,
} from './rollout-text';
import { clock } from './time-text';

/** Shows a rollout as it changes; `show` is called after every read. */
export interface RolloutDisplay {
  show(rollout: Rollout): void;
}

const header = (r: Rollout) =>
  `Rollout ${r.id}: ${strategyText(r.strategy)} of ${r.endpointId} ${versionsText(r)}` +
  (r.stepCount ? `, ${r.stepCount} step${r.stepCount === 1 ? '' : 's'}` : '');

/** Why it waits, and what a person can do about it. */
function pausedHint(r: Rollout): string | null {
  if (r.state !== 'paused') return null;
  const why = r.message ? `paused: ${r.message.replace(/\.+$/, '')}` : 'paused';
  return `${why} — \`fleetdeck rollout resume ${r.id}\`, \`promote\` or \`abort\``;
}

/**
 * On a terminal: a small block (header, weight bar and state, current step, latest decision)
 * redrawn in place with ANSI cursor movement, only when its text changes. Lines are cut to the
 * terminal's width: a wrapped line would make the next redraw move up too little.
 */
export function screenDisplay(screen: LiveScreen): RolloutDisplay {
  let drawn = 0;
  let last = '';
  return {
    show(r) {
      const latest = r.decisions.at(-1);
      const lines = [
        header(r),
        `  ${weightBar(r.weight, 30, false)} ${String(r.weight).padStart(3)} %  ${weightText(r)} · ${r.state.toUpperCase()}`,
        `  ${currentStepText(r)}`,
        `  latest: ${latest ? decisionText(latest, clock(latest.at)) : 'no decision yet'}`,
      ];
      const hint = pausedHint(r);
      if (hint) lines.push(`  ${hint}`);
      const width = Math.max(20, screen.columns() - 1);
      const text = lines.map((l) => ([...l].length > width ? `${[...l].slice(0, width - 1).join('')}…` : l));
      const frame = text.join('\n');
      if (frame === last) return;
      last = frame;
      // Back to the first line of the previous frame, clear to the end of the screen, draw.
      screen.write(`${drawn ? `\x1b[${drawn}F\x1b[0J` : ''}${frame}\n`);
      drawn = text.length;
    },
  };
}

/**
 * For a pipe or a log: appended lines, never control characters. Every decision once, as it is
 * made, and a status line (weight bar, state, step) whenever the state, weight or step changes.
 */
export function lineDisplay(print: (text: string) => void): RolloutDisplay {
  let headerShown = false;
  let decisionsShown = 0;
  let lastStatus = '';
  return {
    show(r) {
      if (!headerShown) {
        print(header(r));
        headerShown = true;
        // Following a rollout that has been going for a while: its earlier decisions are history.
        decisionsShown = Math.max(0, r.decisions.length - 1);
      }
      for (const d of r.decisions.slice(decisionsShown)) print(decisionText(d, clock(d.at)));
      decisionsShown = r.decisions.length;
      const status = `${weightBar(r.weight, 20, true)} ${String(r.weight).padStart(3)} % ${weightText(r)} · ${r.state} · ${currentStepText(r)}`;
      if (status !== lastStatus) {
        print(`${clock(r.updatedAt)} ${status}`);
        lastStatus = status;
        const hint = pausedHint(r);
        if (hint) print(`${clock(r.updatedAt)} ${hint}`);
      }
    },
  };
}
