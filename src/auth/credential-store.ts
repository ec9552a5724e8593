import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** What `ytsync login` keeps so that later commands need nothing else. */
export interface StoredCredentials {
  version: 1;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  accessToken?: string;
  /** Milliseconds since epoch. Kept so google-auth-library refreshes before expiry instead of
   * retrying on a 401/403 — which would turn a quotaExceeded into an extra, counted call. */
  expiryDate?: number;
  scope?: string;
  account?: { channelId: string; title: string };
  /**
   * Where these credentials were issued and may be used: the refresh token only ever goes to
   * this token (and revoke) endpoint, the access token to this API root. Absent in files saved
   * before 0.2: Google's.
   */
  endpoints?: CredentialEndpoints;
  savedAt: string;
}

export interface CredentialEndpoints {
  tokenUrl: string;
  revokeUrl: string;
  apiRoot: string;
}

export class CredentialsUnreadable extends Error {}

export interface CredentialStore {
  /** undefined when there is no file; CredentialsUnreadable when it is corrupt. */
  load(): Promise<StoredCredentials | undefined>;
  save(credentials: StoredCredentials): Promise<void>;
  remove(): Promise<void>;
  readonly location: string;
}

/**
 * The credentials file: folder 0700 (0711 beside a private server run as another user), file 0600 (tightened if an existing one is looser),
 * written atomically (temp file in the same folder + rename) so a crash never leaves half a token.
 */
export class FileCredentialStore implements CredentialStore {
  constructor(readonly location: string) {}

  async load(): Promise<StoredCredentials | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.location, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new CredentialsUnreadable(`cannot read ${this.location}: ${(error as Error).message}`);
    }
    await this.tightenMode();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CredentialsUnreadable(`${this.location} is not valid JSON`);
    }
    if (!isStoredCredentials(parsed)) {
      throw new CredentialsUnreadable(`${this.location} does not hold ytsync credentials`);
    }
    return parsed;
  }

  async save(credentials: StoredCredentials): Promise<void> {
    const dir = path.dirname(this.location);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    // Nobody else may list or read the folder. The pass-through bit stays when it is set: a
    // private server run as another user (root → nobody) reaches its data directory through it.
    await fs.chmod(dir, 0o700 | ((await fs.stat(dir)).mode & 0o011));
    const temp = path.join(dir, `.credentials.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const handle = await fs.open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(`${JSON.stringify(credentials, null, 2)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, this.location);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    await syncFolder(dir);
  }

  async remove(): Promise<void> {
    await fs.rm(this.location, { force: true });
  }

  private async tightenMode(): Promise<void> {
    try {
      const stat = await fs.stat(this.location);
      if ((stat.mode & 0o077) !== 0) await fs.chmod(this.location, 0o600);
    } catch {
      // Best effort: a file we can read but not chmod is still usable.
    }
  }
}

function isStoredCredentials(value: unknown): value is StoredCredentials {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.version === 1 &&
    typeof v.clientId === 'string' &&
    typeof v.clientSecret === 'string' &&
    typeof v.refreshToken === 'string' &&
    v.refreshToken.length > 0 &&
    (v.accessToken === undefined || typeof v.accessToken === 'string') &&
    (v.expiryDate === undefined || typeof v.expiryDate === 'number') &&
    (v.endpoints === undefined || isEndpoints(v.endpoints))
  );
}

function isEndpoints(value: unknown): value is CredentialEndpoints {
  const e = value as Record<string, unknown> | null;
  return typeof e === 'object' && e !== null && ['tokenUrl', 'revokeUrl', 'apiRoot'].every((k) => typeof e[k] === 'string');
}

/** Makes the rename itself durable (a crash right after could otherwise lose it); not on Windows. */
async function syncFolder(dir: string): Promise<void> {
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms and file systems refuse fsync on a folder; the rename has happened anyway.
  }
}
