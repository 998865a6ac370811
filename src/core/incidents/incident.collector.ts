import type { CommandName } from '../../shared/contract/index';
import type { CommandContext } from '../commands/registry';
import type { IncidentModuleDeps } from './incident-deps';

/**
 * Gathers what happens to an active incident's endpoints into its timeline. TODO(issue 7): being built.
 */
export function createTimelineCollector(_o: IncidentModuleDeps): {
  start(): void;
  close(): void;
  onCalled(name: CommandName, args: unknown, ctx: CommandContext, result: unknown): void;
} {
  return { start() {}, close() {}, onCalled() {} };
}
