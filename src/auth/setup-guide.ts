/**
 * What a newcomer needs to get from "no OAuth client" to `ytsync login`: the Google Cloud steps in
 * order, each with its direct Console link, then the exact command to run next. Google spreads
 * these over several pages (and renamed them in 2025: the consent screen now lives under "Google
 * Auth Platform"); tools that leave it to the user lose people here.
 */
export const CONSOLE = {
  enableApi: 'https://console.cloud.google.com/apis/library/youtube.googleapis.com',
  consentScreen: 'https://console.cloud.google.com/auth/overview',
  audience: 'https://console.cloud.google.com/auth/audience',
  createClient: 'https://console.cloud.google.com/auth/clients/create',
} as const;

export const NEXT_COMMAND = 'ytsync login --client-secret ~/Downloads/client_secret_XXXX.json';

export function setupGuide(): string {
  return `ytsync logs in with an OAuth client of your own (free; each Google Cloud project gets its own
YouTube quota of 10,000 units a day). Set one up once, about 10 minutes:

  1. Enable the YouTube Data API v3 (create a project first if the page asks you to):
       ${CONSOLE.enableApi}
  2. Set up the consent screen ("Get started"): any app name, your e-mail, Audience: External.
       ${CONSOLE.consentScreen}
  3. Add yourself as a test user (Audience → Test users → Add users: your Google account):
       ${CONSOLE.audience}
     Why it matters later: while the app's publishing status is "Testing", Google expires its
     refresh tokens after 7 days, and ytsync would ask you to log in again every week. To avoid
     that, press "Publish app" on the same page: no verification is needed for your own use of
     the read-only scope ytsync asks for (Google then shows an "unverified app" warning at login:
     Advanced → Go to … lets you through).
  4. Create an OAuth client of type "Desktop app" (not "Web application"):
       ${CONSOLE.createClient}
  5. Download its JSON (the download button of the new client): client_secret_….json.

Then run:

  ${NEXT_COMMAND}

(or set YTSYNC_CLIENT_ID and YTSYNC_CLIENT_SECRET and run \`ytsync login\`; add --no-browser on a
machine without one). The client is stored with your login, so you do this only once.
`;
}
