import type Database from 'better-sqlite3';
import { redactSecrets } from '../log/redact';

export interface TranscriptLimits {
  /** Pending output is written at least this often (one transaction for every session). */
  flushMs: number;
  /** ... or as soon as this many characters wait. */
  flushChars: number;
  /** Per session; past it the transcript ends with a marker and transcript_truncated = 1. */
  capBytes: number;
  /** A line without its newline yet (a prompt) is held this long, so a secret split across chunks is still seen whole. */
  partialLineMs: number;
  /** ... and at most this long; a longer "line" is written as it is. */
  partialLineChars: number;
}

export const DEFAULT_TRANSCRIPT_LIMITS: TranscriptLimits = {
  flushMs: 250,
  flushChars: 64 * 1024,
  capBytes: 5 * 1024 * 1024,
  partialLineMs: 1000,
  partialLineChars: 8 * 1024,
};

export const truncationMarker = (capBytes: number) =>
  `\r\n[fleetdeck: transcript stopped here: the ${Math.round(capBytes / 1024 / 1024)} MB limit per session was reached]\r\n`;

interface SessionTranscript {
  /** Complete lines waiting to be written. */
  lines: string;
  /** The text after the last newline. */
  partial: string;
  partialSince: number;
  /** When the oldest pending text arrived: the chunk's timestamp. */
  firstAt: number | null;
  bytes: number;
  truncated: boolean;
  nextSeq: number;
}

/**
 * Writes terminal output to SQLite as timestamped chunks (ARCHITECTURE.md: transcripts are data
 * people would hate to lose). Output is redacted a batch of complete lines at a time, never a raw
 * PTY chunk at a time, so a key split across two reads is still recognised; writes are batched
 * into one transaction per flush, with prepared statements.
 */
export class TranscriptRecorder {
  private readonly sessions = new Map<string, SessionTranscript>();
  private pendingChars = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly insertChunk: Database.Statement<[string, number, number, string]>;
  private readonly updateSession: Database.Statement<[number, number, string]>;
  private readonly writeBatch: (ids: readonly string[], force: boolean) => void;

  /**
   * Secrets known by value rather than by shape: the console token handed to every shell as
   * FLEETDECK_TOKEN is one `env` away from the transcript.
   */
  private knownSecrets: readonly string[] = [];

  constructor(
    db: Database.Database,
    private readonly now: () => number,
    readonly limits: TranscriptLimits = DEFAULT_TRANSCRIPT_LIMITS,
  ) {
    this.insertChunk = db.prepare(
      'INSERT INTO terminal_transcript (session_id, seq, at, data) VALUES (?, ?, ?, ?)',
    );
    this.updateSession = db.prepare(
      'UPDATE terminal_session SET transcript_bytes = ?, transcript_truncated = ? WHERE id = ?',
    );
    this.writeBatch = db.transaction((ids: readonly string[], force: boolean) => {
      for (const id of ids) this.writeSession(id, force);
    });
  }

  /** Values to redact wherever they appear (short ones are ignored: they would match too much). */
  setKnownSecrets(secrets: readonly string[]): void {
    this.knownSecrets = secrets.filter((secret) => secret.length >= 16);
  }

  /** Starts recording a session whose row already exists. */
  begin(id: string, from: { bytes: number; truncated: boolean; nextSeq: number }): void {
    this.sessions.set(id, { lines: '', partial: '', partialSince: 0, firstAt: null, ...from });
  }

  append(id: string, text: string): void {
    const s = this.sessions.get(id);
    if (!s || s.truncated || text.length === 0) return;
    const at = this.now();
    s.firstAt ??= at;
    const newline = text.lastIndexOf('\n');
    if (newline < 0) {
      if (s.partial.length === 0) s.partialSince = at;
      s.partial += text;
    } else {
      s.lines += s.partial + text.slice(0, newline + 1);
      s.partial = text.slice(newline + 1);
      s.partialSince = at;
    }
    if (s.partial.length > this.limits.partialLineChars) {
      s.lines += s.partial;
      s.partial = '';
    }
    this.pendingChars += text.length;
    if (this.pendingChars >= this.limits.flushChars) this.schedule(0);
    else this.schedule(this.limits.flushMs);
  }

  /**
   * Writes what is pending. `force` also writes held partial lines (exit, close, a runbook step
   * that needs its segment now); otherwise a partial line waits for its newline or its time.
   */
  flush(options: { force?: boolean; only?: string } = {}): void {
    const ids = options.only !== undefined ? [options.only] : [...this.sessions.keys()];
    if (options.only === undefined) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.pendingChars = 0;
    }
    this.writeBatch(
      ids.filter((id) => this.sessions.has(id)),
      options.force ?? false,
    );
    if (this.hasPending()) this.schedule(this.limits.flushMs);
  }

  /** The seq of the last chunk written (-1 before any), after writing everything pending. */
  lastSeq(id: string): number | null {
    if (!this.sessions.has(id)) return null;
    this.flush({ force: true, only: id });
    return this.sessions.get(id)!.nextSeq - 1;
  }

  state(id: string): { bytes: number; truncated: boolean } | null {
    const s = this.sessions.get(id);
    return s ? { bytes: s.bytes, truncated: s.truncated } : null;
  }

  /** Writes the rest of a session's output and stops recording it. */
  end(id: string): void {
    if (!this.sessions.has(id)) return;
    this.flush({ force: true, only: id });
    this.sessions.delete(id);
  }

  close(): void {
    this.flush({ force: true });
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.sessions.clear();
  }

  private hasPending(): boolean {
    for (const s of this.sessions.values()) if (s.lines.length > 0 || s.partial.length > 0) return true;
    return false;
  }

  private schedule(ms: number): void {
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, ms);
    // Pending output is flushed by close(); the timer alone must not keep a process alive.
    this.timer.unref();
  }

  private writeSession(id: string, force: boolean): void {
    const s = this.sessions.get(id)!;
    let text = s.lines;
    s.lines = '';
    const partialDue =
      force || (s.partial.length > 0 && this.now() - s.partialSince >= this.limits.partialLineMs);
    if (partialDue) {
      text += s.partial;
      s.partial = '';
    }
    if (text.length === 0 || s.truncated) return;
    const at = s.firstAt ?? this.now();
    s.firstAt = s.partial.length > 0 ? s.partialSince : null;

    let data = redactSecrets(text);
    for (const secret of this.knownSecrets) data = data.split(secret).join('[redacted token]');
    const room = this.limits.capBytes - s.bytes;
    let size = Buffer.byteLength(data);
    if (size > room) {
      data = cutToBytes(data, room);
      size = Buffer.byteLength(data);
      s.truncated = true;
      s.partial = '';
      s.firstAt = null;
    }
    if (data.length > 0) this.insertChunk.run(id, s.nextSeq++, at, data);
    s.bytes += size;
    if (s.truncated)
      this.insertChunk.run(id, s.nextSeq++, this.now(), truncationMarker(this.limits.capBytes));
    this.updateSession.run(s.bytes, s.truncated ? 1 : 0, id);
  }
}

/** The longest prefix of `text` that fits in `bytes` of UTF-8, never half a character. */
export function cutToBytes(text: string, bytes: number): string {
  if (bytes <= 0) return '';
  const encoded = Buffer.from(text, 'utf8');
  if (encoded.length <= bytes) return text;
  let end = bytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that did not fit.
  while (end > 0 && (encoded[end]! & 0xc0) === 0x80) end--;
  return encoded.subarray(0, end).toString('utf8');
}
