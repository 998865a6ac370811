import type {
  ChangeFreeze,
  CommandResult,
  HealingActionRecord,
  HealingPolicy,
} from '../../shared/contract/index';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import { toErrorBody } from './errors';
import type { SliceCreator, StoreDeps } from './store.types';

export type PolicyCheck = CommandResult<'healing.validate'> & { text: string };
type LoadState = 'idle' | 'loading' | 'ready' | 'error';

/**
 * Self-healing (issue 7): policies, change freezes and what the policies did. The core keeps
 * and enforces all of it; this is the on-screen copy for `#/incidents/policies`, re-read when an
 * incident changes (a policy acting writes to an incident's timeline) and on reconnect.
 */
export interface HealingSlice {
  healingPolicies: HealingPolicy[] | null;
  healingFreezes: ChangeFreeze[] | null;
  healingActions: HealingActionRecord[] | null;
  healingState: LoadState;
  healingError: FleetErrorBody | null;
  /** Loads policies, freezes and actions and keeps them current; returns the stop function. */
  watchHealing(): () => void;
  loadHealing(): Promise<void>;

  /** The editor's last check (healing.validate) for the text it names. */
  policyCheck: PolicyCheck | null;
  policyCheckPending: boolean;
  policyCheckError: FleetErrorBody | null;
  validatePolicy(text: string): Promise<void>;
  clearPolicyCheck(): void;
  policySavePending: boolean;
  policySaveError: FleetErrorBody | null;
  /** Saves; resolves to the saved policy, or null when refused (the error says why). */
  savePolicy(text: string): Promise<HealingPolicy | null>;

  /** The policy whose toggle or delete the core is working on. */
  healingPendingId: string | null;
  healingActionError: FleetErrorBody | null;
  setPolicyEnabled(id: string, enabled: boolean): Promise<boolean>;
  deletePolicy(id: string): Promise<boolean>;

  freezePending: boolean;
  freezeError: FleetErrorBody | null;
  addFreeze(from: number, to: number, reason: string): Promise<boolean>;
  endFreeze(id: string): Promise<boolean>;
}

/** How often an open policies view re-reads what the policies did, besides incident changes. */
const HEALING_REFRESH_MS = 10_000;

const byTitle = (a: HealingPolicy, b: HealingPolicy) =>
  a.title.localeCompare(b.title) || a.id.localeCompare(b.id);

export const createHealingSlice =
  ({ api }: StoreDeps): SliceCreator<HealingSlice> =>
  (set, get) => {
    let loadGeneration = 0;
    let checkGeneration = 0;
    let watchers = 0;

    const replacePolicy = (policy: HealingPolicy) => {
      const rest = (get().healingPolicies ?? []).filter((p) => p.id !== policy.id);
      set({ healingPolicies: [...rest, policy].sort(byTitle) });
    };

    return {
      healingPolicies: null,
      healingFreezes: null,
      healingActions: null,
      healingState: 'idle',
      healingError: null,
      async loadHealing() {
        const mine = ++loadGeneration;
        if (get().healingState === 'idle') set({ healingState: 'loading' });
        try {
          const [policies, freezes, actions] = await Promise.all([
            api.call('healing.policies', {}),
            api.call('healing.freezes', {}),
            api.call('healing.actions', { limit: 100 }),
          ]);
          if (mine !== loadGeneration) return;
          set({
            healingPolicies: [...policies].sort(byTitle),
            healingFreezes: freezes,
            healingActions: actions,
            healingState: 'ready',
            healingError: null,
          });
        } catch (error) {
          if (mine !== loadGeneration) return;
          set({
            healingState: get().healingPolicies ? 'ready' : 'error',
            healingError: toErrorBody(error),
          });
        }
      },
      watchHealing() {
        watchers++;
        void get().loadHealing();
        // A burst of timeline entries (a regional outage) costs one reload, not one per entry.
        let queued: ReturnType<typeof setTimeout> | null = null;
        const soon = () => {
          queued ??= setTimeout(() => {
            queued = null;
            void get().loadHealing();
          }, 500);
        };
        const off = api.on('incidents.changed', soon);
        // An action on an endpoint with no incident (yet) announces nothing: read again now and then.
        const every = setInterval(soon, HEALING_REFRESH_MS);
        const offConnection = api.onConnection((state) => {
          if (state === 'connected') void get().loadHealing();
        });
        return () => {
          watchers--;
          off();
          offConnection();
          clearInterval(every);
          if (queued) clearTimeout(queued);
          if (watchers === 0) loadGeneration++;
        };
      },

      policyCheck: null,
      policyCheckPending: false,
      policyCheckError: null,
      async validatePolicy(text) {
        const mine = ++checkGeneration;
        set({ policyCheckPending: true });
        try {
          const result = await api.call('healing.validate', { text });
          if (mine === checkGeneration)
            set({ policyCheck: { ...result, text }, policyCheckPending: false, policyCheckError: null });
        } catch (error) {
          if (mine === checkGeneration)
            set({ policyCheckPending: false, policyCheckError: toErrorBody(error) });
        }
      },
      clearPolicyCheck() {
        checkGeneration++;
        set({ policyCheck: null, policyCheckPending: false, policyCheckError: null, policySaveError: null });
      },
      policySavePending: false,
      policySaveError: null,
      async savePolicy(text) {
        if (get().policySavePending) return null;
        set({ policySavePending: true, policySaveError: null });
        try {
          const policy = await api.call('healing.save', { text });
          replacePolicy(policy);
          set({ policySavePending: false });
          return policy;
        } catch (error) {
          set({ policySavePending: false, policySaveError: toErrorBody(error) });
          return null;
        }
      },

      healingPendingId: null,
      healingActionError: null,
      async setPolicyEnabled(id, enabled) {
        if (get().healingPendingId) return false;
        set({ healingPendingId: id, healingActionError: null });
        try {
          replacePolicy(await api.call('healing.setEnabled', { id, enabled }));
          set({ healingPendingId: null });
          return true;
        } catch (error) {
          set({ healingPendingId: null, healingActionError: toErrorBody(error) });
          return false;
        }
      },
      async deletePolicy(id) {
        if (get().healingPendingId) return false;
        set({ healingPendingId: id, healingActionError: null });
        try {
          await api.call('healing.delete', { id });
          set({
            healingPolicies: (get().healingPolicies ?? []).filter((p) => p.id !== id),
            healingPendingId: null,
          });
          return true;
        } catch (error) {
          set({ healingPendingId: null, healingActionError: toErrorBody(error) });
          return false;
        }
      },

      freezePending: false,
      freezeError: null,
      async addFreeze(from, to, reason) {
        if (get().freezePending) return false;
        set({ freezePending: true, freezeError: null });
        try {
          const freeze = await api.call('healing.freeze', { from, to, reason });
          const rest = (get().healingFreezes ?? []).filter((f) => f.id !== freeze.id);
          set({ healingFreezes: [...rest, freeze].sort((a, b) => a.from - b.from), freezePending: false });
          return true;
        } catch (error) {
          set({ freezePending: false, freezeError: toErrorBody(error) });
          return false;
        }
      },
      async endFreeze(id) {
        if (get().freezePending) return false;
        set({ freezePending: true, freezeError: null });
        try {
          await api.call('healing.unfreeze', { id });
          set({ freezePending: false });
          // "End now" may shorten the window rather than delete it: read what the core keeps.
          void get().loadHealing();
          return true;
        } catch (error) {
          set({ freezePending: false, freezeError: toErrorBody(error) });
          return false;
        }
      },
    };
  };
