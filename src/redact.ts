/**
 * What of a URL may be printed. Passwords and tokens hide in the userinfo
 * (postgres://me:secret@host) and in query parameters (?password=…, ?sslpassword=…, ?token=…):
 * every such value becomes ***. Anything that does not parse as a URL is not printed at all.
 */
const SECRET_PARAM = /pass|secret|token|key|auth|sig/i;

export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '(not a URL)';
  }
  if (url.password) url.password = '***';
  for (const name of [...url.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) url.searchParams.set(name, '***');
  }
  // URLSearchParams encodes *** as %2A%2A%2A: keep it readable.
  return url.toString().replaceAll('%2A%2A%2A', '***');
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts plain http may reach (emulators, local proxies). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
