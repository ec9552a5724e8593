import { CredentialsUnreadable } from '../auth/credential-store.js';
import { credentialStore, issuedEndpoints } from '../auth/oauth-client.js';
import { revokeToken } from '../auth/revoke.js';
import type { CommandContext } from '../context.js';

/**
 * `ytsync logout`: revoke the refresh token (best effort) and delete the credentials file.
 * The file goes in every case — offline, Google erroring, file corrupt — because a user who
 * logs out wants this machine to stop holding the token, whatever Google says.
 */
export async function logoutCommand(ctx: CommandContext): Promise<void> {
  const { config, io } = ctx;
  const store = credentialStore(config);

  let revoke: { token: string; url: string } | undefined;
  try {
    const stored = await store.load();
    if (!stored) {
      io.stdout.write(`Not logged in (no ${store.location}); nothing to do.\n`);
      return;
    }
    // Revoked where it was issued, whatever the settings say now: the token goes nowhere else.
    revoke = { token: stored.refreshToken, url: issuedEndpoints(stored).revokeUrl };
  } catch (error) {
    if (!(error instanceof CredentialsUnreadable)) throw error;
    io.stderr.write(`ytsync: warning: ${error.message}; deleting it without revoking.\n`);
  }

  if (revoke !== undefined) {
    const outcome = await revokeToken(revoke.url, revoke.token, io.signal);
    if (outcome.ok) {
      io.stderr.write(outcome.alreadyInvalid ? 'The token was already expired or revoked at Google.\n' : 'Revoked the refresh token at Google.\n');
    } else {
      io.stderr.write(
        `ytsync: warning: revocation failed (${outcome.reason}); deleting the credentials anyway. ` +
          'You can remove ytsync\'s access at https://myaccount.google.com/permissions\n',
      );
    }
  }
  await store.remove();
  io.stdout.write(`Logged out; deleted ${store.location}.\n`);
}
