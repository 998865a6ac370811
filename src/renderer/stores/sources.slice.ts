import type { ConnectionState } from '../../shared/api/fleet-api';
import type { CommandResult, Source } from '../../shared/contract/index';
import type { FleetErrorBody } from '../../shared/errors/fleet-error';
import {
  buildSourceConfig,
  neededSecretSlots,
  secretName,
  sourceName,
  type SecretSlot,
  type SourceFormValues,
} from '../views/sources/source-form';
import { secretRefsOf } from '../views/sources/source-status';
import { toErrorBody } from './errors';
import type { SliceCreator, StoreDeps } from './store.types';

export type SourceCheckResult = CommandResult<'sources.test'>;
export type KubeContextsResult = CommandResult<'sources.contexts'>;

/** A `sources.test` in flight or done, for a configured source or the draft. */
export interface CheckState {
  running: boolean;
  result: SourceCheckResult | null;
  error: FleetErrorBody | null;
  at: number | null;
}

export const idleCheck: CheckState = { running: false, result: null, error: null, at: null };

/** The confirm dialog for removing one source. */
export interface RemovalState {
  id: string;
  name: string;
  builtIn: boolean;
  /** Endpoints the source reported, which the core forgets with it; null while counting. */
  endpointCount: number | null;
  /** Stored secrets its config refers to (names only). */
  secrets: string[];
  running: boolean;
  error: FleetErrorBody | null;
}

export interface ContextsState {
  loading: boolean;
  /** The path asked about ('' = the default KUBECONFIG / ~/.kube/config). */
  path: string;
  found: KubeContextsResult | null;
  error: FleetErrorBody | null;
}

/** The Add-source draft: everything but the form's own values (and never a secret's value). */
export interface SourceDraftState {
  contexts: ContextsState | null;
  check: CheckState;
  adding: boolean;
  addError: FleetErrorBody | null;
  /** Secrets stored for this draft, by slot (names only); deleted if the draft is abandoned. */
  storedSecrets: Partial<Record<SecretSlot, string>>;
}

export const emptyDraft: SourceDraftState = {
  contexts: null,
  check: idleCheck,
  adding: false,
  addError: null,
  storedSecrets: {},
};

/** Secret values the person typed in this round; passed through to `secrets.set`, never kept. */
export type TypedSecrets = Partial<Record<SecretSlot, string>>;

export interface SourcesSlice {
  sources: Source[];
  sourcesLoaded: boolean;
  sourcesError: FleetErrorBody | null;
  /** Test results of configured sources, by id. */
  sourceChecks: Record<string, CheckState>;
  removal: RemovalState | null;
  /** Why the core refused to remove a source (built-in ones), by id, so the row can say so. */
  removeRefusals: Record<string, FleetErrorBody>;
  /** What the last removal did, for the polite announcement on the list. */
  lastRemoved: { name: string; secretsDeleted: string[]; secretErrors: string[] } | null;
  lastAddedId: string | null;
  draft: SourceDraftState;

  /** Loads the list, follows `sources.status`, and refreshes now and then; returns a stop function. */
  watchSources(): () => void;
  loadSources(): Promise<void>;
  testSource(id: string): Promise<void>;
  openRemoval(id: string): Promise<void>;
  closeRemoval(): void;
  confirmRemoval(options: { deleteSecrets: boolean }): Promise<boolean>;

  resetDraft(): void;
  /** Forgets the draft's last test and refusal (its settings changed); keeps its secrets. */
  clearDraftResults(): void;
  /** Deletes secrets stored for a draft that was never added, and clears it. */
  discardDraft(): Promise<void>;
  findContexts(kubeconfigPath: string): Promise<void>;
  /** Stores typed secrets, then runs sources.test on the draft; resolves with the slots stored. */
  testDraft(values: SourceFormValues, typed: TypedSecrets): Promise<SecretSlot[]>;
  /** Stores typed secrets, then sources.add; resolves with the new source (null when refused) and the slots stored. */
  addDraft(
    values: SourceFormValues,
    typed: TypedSecrets,
  ): Promise<{ source: Source | null; stored: SecretSlot[] }>;
}

/** A status event or a fresh copy: replaces the source with the same id, or appends a new one. */
export function upsertSource(list: readonly Source[], source: Source): Source[] {
  const index = list.findIndex((s) => s.id === source.id);
  if (index === -1) return [...list, source];
  const next = [...list];
  next[index] = source;
  return next;
}

export const withoutSource = (list: readonly Source[], id: string): Source[] =>
  list.filter((s) => s.id !== id);

/**
 * A connection listener that runs `reload` when the connection comes back after a drop (not on
 * the first connect: the first load is already on its way). Events missed meanwhile are lost.
 */
export function afterReconnect(reload: () => void): (state: ConnectionState) => void {
  let connectedBefore = false;
  let dropped = false;
  return (state) => {
    if (state === 'connected') {
      if (dropped) reload();
      connectedBefore = true;
      dropped = false;
    } else if (connectedBefore) {
      dropped = true;
    }
  };
}

/** How often a watched list is re-read (see watchSources). */
const REFRESH_MS = 15_000;

/** The config the draft sends: its values with the secrets stored so far (only those still needed). */
export function draftConfig(values: SourceFormValues, stored: Partial<Record<SecretSlot, string>>) {
  const refs: Partial<Record<SecretSlot, string>> = {};
  for (const slot of neededSecretSlots(values)) if (stored[slot]) refs[slot] = stored[slot];
  return buildSourceConfig({ ...values, secretRefs: refs });
}

export const createSourcesSlice =
  ({ api, now }: StoreDeps): SliceCreator<SourcesSlice> =>
  (set, get) => {
    const setDraft = (patch: Partial<SourceDraftState>) => set({ draft: { ...get().draft, ...patch } });

    /**
     * Stores what was typed for the slots the draft needs, under a generated name (kept for the
     * draft's later rounds so a retyped key replaces the same secret). Values go straight to
     * secrets.set and are not kept anywhere in the store.
     */
    const storeTyped = async (values: SourceFormValues, typed: TypedSecrets): Promise<SecretSlot[]> => {
      const slots = neededSecretSlots(values).filter((slot) => (typed[slot] ?? '').length > 0);
      if (slots.length === 0) return [];
      const stored = { ...get().draft.storedSecrets };
      let taken: string[] | null = null;
      for (const slot of slots) {
        let name = stored[slot];
        if (!name) {
          taken ??= (await api.call('secrets.list', {})).names;
          name = secretName(slot, sourceName(values), [...taken, ...Object.values(stored)]);
        }
        await api.call('secrets.set', { name, value: typed[slot]! });
        stored[slot] = name;
        setDraft({ storedSecrets: { ...stored } });
      }
      return slots;
    };

    return {
      sources: [],
      sourcesLoaded: false,
      sourcesError: null,
      sourceChecks: {},
      removal: null,
      removeRefusals: {},
      lastRemoved: null,
      lastAddedId: null,
      draft: emptyDraft,

      watchSources() {
        void get().loadSources();
        const offStatus = api.on('sources.status', (source) => {
          set({ sources: upsertSource(get().sources, source) });
        });
        // Status events come only on a change of state or reason; the list also carries the
        // newer "last OK" times and sources added or removed elsewhere (the CLI).
        const timer = setInterval(() => void get().loadSources(), REFRESH_MS);
        const offConnection = api.onConnection(afterReconnect(() => void get().loadSources()));
        return () => {
          offStatus();
          offConnection();
          clearInterval(timer);
        };
      },

      async loadSources() {
        try {
          const sources = await api.call('sources.list', {});
          set({ sources, sourcesLoaded: true, sourcesError: null });
        } catch (error) {
          set({ sourcesError: toErrorBody(error) });
        }
      },

      async testSource(id) {
        const checks = get().sourceChecks;
        if (checks[id]?.running) return;
        set({ sourceChecks: { ...checks, [id]: { ...idleCheck, running: true } } });
        let next: CheckState;
        try {
          const result = await api.call('sources.test', { id });
          next = { running: false, result, error: null, at: now() };
        } catch (error) {
          next = { running: false, result: null, error: toErrorBody(error), at: now() };
        }
        set({ sourceChecks: { ...get().sourceChecks, [id]: next } });
      },

      async openRemoval(id) {
        const source = get().sources.find((s) => s.id === id);
        if (!source) return;
        set({
          removal: {
            id,
            name: source.name,
            builtIn: source.builtIn,
            endpointCount: null,
            secrets: secretRefsOf(source),
            running: false,
            error: null,
          },
        });
        try {
          const page = await api.call('fleet.endpoints', { source: [id], limit: 1 });
          const removal = get().removal;
          if (removal?.id === id) set({ removal: { ...removal, endpointCount: page.total } });
        } catch {
          // The count only sharpens the dialog's words; without it the dialog says "its endpoints".
        }
      },

      closeRemoval() {
        set({ removal: null });
      },

      async confirmRemoval({ deleteSecrets }) {
        const removal = get().removal;
        if (!removal || removal.running) return false;
        set({ removal: { ...removal, running: true, error: null } });
        try {
          await api.call('sources.remove', { id: removal.id });
        } catch (error) {
          const body = toErrorBody(error);
          const refusals =
            body.code === 'conflict' ? { ...get().removeRefusals, [removal.id]: body } : get().removeRefusals;
          set({ removal: { ...removal, running: false, error: body }, removeRefusals: refusals });
          return false;
        }
        const secretsDeleted: string[] = [];
        const secretErrors: string[] = [];
        if (deleteSecrets) {
          for (const name of removal.secrets) {
            try {
              await api.call('secrets.delete', { name });
              secretsDeleted.push(name);
            } catch (error) {
              secretErrors.push(`${name}: ${toErrorBody(error).message}`);
            }
          }
        }
        const { [removal.id]: _check, ...checks } = get().sourceChecks;
        set({
          sources: withoutSource(get().sources, removal.id),
          sourceChecks: checks,
          removal: null,
          lastRemoved: { name: removal.name, secretsDeleted, secretErrors },
          lastAddedId: get().lastAddedId === removal.id ? null : get().lastAddedId,
        });
        return true;
      },

      resetDraft() {
        set({ draft: emptyDraft });
      },

      clearDraftResults() {
        const { check, addError } = get().draft;
        if (check !== idleCheck || addError !== null) setDraft({ check: idleCheck, addError: null });
      },

      async discardDraft() {
        const names = Object.values(get().draft.storedSecrets);
        set({ draft: emptyDraft });
        for (const name of names) {
          try {
            await api.call('secrets.delete', { name });
          } catch (error) {
            // Nobody is looking at the draft any more; say which secret stayed behind.
            console.warn(`Could not delete the unused secret ${name}: ${toErrorBody(error).message}`);
          }
        }
      },

      async findContexts(kubeconfigPath) {
        const path = kubeconfigPath.trim();
        setDraft({ contexts: { loading: true, path, found: null, error: null } });
        try {
          const found = await api.call('sources.contexts', path ? { kubeconfigPath: path } : {});
          if (get().draft.contexts?.path === path)
            setDraft({ contexts: { loading: false, path, found, error: null } });
        } catch (error) {
          if (get().draft.contexts?.path === path)
            setDraft({ contexts: { loading: false, path, found: null, error: toErrorBody(error) } });
        }
      },

      async testDraft(values, typed) {
        if (get().draft.check.running) return [];
        setDraft({ check: { ...idleCheck, running: true }, addError: null });
        let stored: SecretSlot[] = [];
        try {
          stored = await storeTyped(values, typed);
          const result = await api.call('sources.test', {
            kind: values.kind,
            config: draftConfig(values, get().draft.storedSecrets),
          });
          setDraft({ check: { running: false, result, error: null, at: now() } });
        } catch (error) {
          setDraft({ check: { running: false, result: null, error: toErrorBody(error), at: now() } });
        }
        return stored;
      },

      async addDraft(values, typed) {
        if (get().draft.adding) return { source: null, stored: [] };
        setDraft({ adding: true, addError: null });
        let stored: SecretSlot[] = [];
        try {
          stored = await storeTyped(values, typed);
          const source = await api.call('sources.add', {
            kind: values.kind,
            name: sourceName(values),
            config: draftConfig(values, get().draft.storedSecrets),
          });
          // The stored secrets now belong to the source: the draft no longer cleans them up.
          set({
            draft: emptyDraft,
            sources: upsertSource(get().sources, source),
            lastAddedId: source.id,
            lastRemoved: null,
          });
          return { source, stored };
        } catch (error) {
          setDraft({ adding: false, addError: toErrorBody(error) });
          return { source: null, stored };
        }
      },
    };
  };
