import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClientSecretJson, readClientSecretFile, resolveOAuthClient } from '../../src/auth/client-secret.js';
import { UsageError } from '../../src/errors.js';

// The shape Google Cloud Console downloads for a "Desktop app" client.
const desktop = {
  installed: {
    client_id: '123-abc.apps.googleusercontent.com',
    project_id: 'ytsync-test',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: 'https://oauth2.googleapis.com/token',
    client_secret: 'GOCSPX-desktop',
    redirect_uris: ['http://localhost'],
  },
};

describe('parseClientSecretJson', () => {
  it('reads an installed (Desktop app) client', () => {
    expect(parseClientSecretJson(JSON.stringify(desktop), 'f.json')).toEqual({
      clientId: '123-abc.apps.googleusercontent.com',
      clientSecret: 'GOCSPX-desktop',
      source: 'f.json',
    });
  });

  it('rejects a web client and says to create a Desktop app client', () => {
    const web = { web: { ...desktop.installed, redirect_uris: ['https://example.com/cb'] } };
    const error = catchError(() => parseClientSecretJson(JSON.stringify(web), 'web.json'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/Web application/);
    expect(error.message).toMatch(/Desktop app/);
  });

  it('rejects a service account key: it has no YouTube channel', () => {
    const error = catchError(() => parseClientSecretJson(JSON.stringify({ type: 'service_account', client_email: 'x@y.iam.gserviceaccount.com' }), 'sa.json'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/service account key.*no YouTube channel.*Desktop app/);
  });

  it.each([
    ['not JSON', '{nope', /not valid JSON/],
    ['no installed key', '{"foo": {}}', /no "installed" key/],
    ['an array', '[]', /no "installed" key/],
    ['no secret', JSON.stringify({ installed: { client_id: 'x' } }), /client_secret/],
  ])('rejects %s with a UsageError', (_name, text, message) => {
    const error = catchError(() => parseClientSecretJson(text, 'f.json'));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(message);
  });
});

describe('readClientSecretFile', () => {
  it('turns a missing file into a UsageError (exit 2)', async () => {
    const error = await readClientSecretFile('/nonexistent/client_secret.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(/no such file/);
  });

  it('turns a folder into a UsageError', async () => {
    const error = await readClientSecretFile(os.tmpdir()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
  });
});

describe('resolveOAuthClient', () => {
  const none = { clientId: undefined, clientSecret: undefined };

  it('prefers the --client-secret file over the environment', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ytsync-cs-'));
    const file = path.join(dir, 'client_secret.json');
    await writeFile(file, JSON.stringify(desktop));
    const client = await resolveOAuthClient({ clientId: 'env-id', clientSecret: 'env-secret' }, file);
    expect(client.clientId).toBe(desktop.installed.client_id);
  });

  it('uses YTSYNC_CLIENT_ID/_SECRET, then the client of a previous login', async () => {
    expect((await resolveOAuthClient({ clientId: 'id', clientSecret: 's' }, undefined)).clientId).toBe('id');
    expect((await resolveOAuthClient(none, undefined, { clientId: 'old', clientSecret: 's' })).clientId).toBe('old');
  });

  it('refuses half a client and no client at all', async () => {
    await expect(resolveOAuthClient({ clientId: 'id', clientSecret: undefined }, undefined)).rejects.toThrow(/both YTSYNC_CLIENT_ID/);
    await expect(resolveOAuthClient(none, undefined)).rejects.toBeInstanceOf(UsageError);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
