import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where API keys and tokens live: never in SQLite or logs in clear (ARCHITECTURE.md, Storage).
 * Sources store a reference (`secret:openai-prod`); the value is resolved only when used.
 */
export interface SecretStore {
  get(ref: string): Promise<string | null>;
  set(ref: string, value: string): Promise<void>;
  delete(ref: string): Promise<boolean>;
  list(): Promise<string[]>;
  /** Words for About/Health: how the secrets are protected on this machine. */
  readonly protection: string;
}

/** Encrypts and decrypts one blob: Electron's safeStorage on the desktop, a local key otherwise. */
export interface SecretCipher {
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
  readonly protection: string;
}

/**
 * The console's cipher: AES-256-GCM with a random key in `secrets.key` (mode 0600). It keeps
 * keys out of the database, logs and backups of the database, and away from other users; it
 * does not protect against someone who can read this user's files (say so in the UI; the
 * desktop uses the OS keychain through safeStorage instead).
 */
export function localFileCipher(dataDir: string): SecretCipher {
  const keyFile = join(dataDir, 'secrets.key');
  let key: Buffer;
  if (existsSync(keyFile)) {
    key = readFileSync(keyFile);
    if (key.length !== 32)
      throw new Error(
        `${keyFile} is not a 32-byte key; move it aside to create a new one (stored secrets will need re-entering).`,
      );
  } else {
    key = randomBytes(32);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, key, { mode: 0o600, flag: 'wx' });
  }
  return {
    protection: 'encrypted with a local key readable only by you (secrets.key, mode 0600)',
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decrypt(sealed) {
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
      decipher.setAuthTag(sealed.subarray(12, 28));
      return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
    },
  };
}

/** All secrets in one sealed file, `secrets.bin` (mode 0600), rewritten atomically. */
export function createSecretStore(dataDir: string, cipher: SecretCipher): SecretStore {
  const file = join(dataDir, 'secrets.bin');
  const load = (): Record<string, string> => {
    if (!existsSync(file)) return {};
    return JSON.parse(cipher.decrypt(readFileSync(file)).toString('utf8')) as Record<string, string>;
  };
  const save = (all: Record<string, string>) => {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, cipher.encrypt(Buffer.from(JSON.stringify(all), 'utf8')), { mode: 0o600 });
    renameSync(tmp, file);
  };
  const checkRef = (ref: string) => {
    if (!/^[a-z0-9][a-z0-9._-]{0,63}$/i.test(ref))
      throw new Error(`Invalid secret name "${ref}": use letters, digits, dot, dash, underscore.`);
  };
  return {
    protection: cipher.protection,
    async get(ref) {
      return load()[ref] ?? null;
    },
    async set(ref, value) {
      checkRef(ref);
      save({ ...load(), [ref]: value });
    },
    async delete(ref) {
      const all = load();
      if (!(ref in all)) return false;
      delete all[ref];
      save(all);
      return true;
    },
    async list() {
      return Object.keys(load()).sort();
    },
  };
}
