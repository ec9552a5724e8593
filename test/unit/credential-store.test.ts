import { chmod, mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CredentialsUnreadable, FileCredentialStore, type StoredCredentials } from '../../src/auth/credential-store.js';

const credentials: StoredCredentials = {
  version: 1,
  clientId: 'id',
  clientSecret: 'secret',
  refreshToken: '1//0refresh',
  accessToken: 'ya29.access',
  expiryDate: 1_700_000_000_000,
  savedAt: '2025-01-01T00:00:00.000Z',
};

let dir: string;
beforeEach(async () => {
  dir = path.join(await mkdtemp(path.join(os.tmpdir(), 'ytsync-store-')), 'home');
});

describe('FileCredentialStore', () => {
  it('creates a 0700 folder and a 0600 file, leaving no temp file behind', async () => {
    const store = new FileCredentialStore(path.join(dir, 'credentials.json'));
    const umask = process.umask(0); // even a permissive umask must not loosen the modes
    try {
      await store.save(credentials);
      await store.save({ ...credentials, accessToken: 'ya29.newer' });
    } finally {
      process.umask(umask);
    }
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(store.location)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['credentials.json']);
    expect(await store.load()).toEqual({ ...credentials, accessToken: 'ya29.newer' });
  });

  it('tightens an existing file that is readable by others', async () => {
    const store = new FileCredentialStore(path.join(dir, 'credentials.json'));
    await mkdir(dir, { recursive: true });
    await writeFile(store.location, JSON.stringify(credentials));
    await chmod(store.location, 0o644);
    await store.load();
    expect((await stat(store.location)).mode & 0o777).toBe(0o600);
  });

  it('answers undefined without a file and CredentialsUnreadable for a corrupt one', async () => {
    const store = new FileCredentialStore(path.join(dir, 'credentials.json'));
    expect(await store.load()).toBeUndefined();
    await mkdir(dir, { recursive: true });
    for (const text of ['{', '{"version":1}', JSON.stringify({ ...credentials, expiryDate: 'soon' })]) {
      await writeFile(store.location, text);
      await expect(store.load()).rejects.toBeInstanceOf(CredentialsUnreadable);
    }
  });

  it('remove() is idempotent', async () => {
    const store = new FileCredentialStore(path.join(dir, 'credentials.json'));
    await store.save(credentials);
    await store.remove();
    await store.remove();
    expect(await store.load()).toBeUndefined();
  });
});
