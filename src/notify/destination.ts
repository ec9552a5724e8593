/**
 * Where `pull` sends its report (YTSYNC_NOTIFY_URL, or `--notify URL`), and in which form. The
 * form is picked by the URL, so one setting says everything:
 *
 *   https://ntfy.sh/TOPIC               ntfy (the public server)
 *   ntfy+https://HOST/TOPIC             ntfy on any server (ntfy+http:// without TLS)
 *   json+https://HOST/PATH              a generic JSON webhook (json+http:// without TLS)
 *   https://HOST/PATH                   a generic JSON webhook (any other http(s) URL)
 *
 * Such URLs carry secrets: user:password@, tokens in the query (?auth=…), and in the path too — an
 * ntfy topic on a public server is its own password, webhook paths embed tokens. They are sent,
 * never printed: `display` keeps only the scheme and the host.
 */
export type NotifyFormat = 'ntfy' | 'json';

export interface NotifyDestination {
  format: NotifyFormat;
  /** Where the request goes: the URL without its user:password@ (fetch refuses those). */
  url: string;
  /** From user:password@ (Basic) or :token@ (Bearer): sent, never printed. */
  authorization?: string;
  /** Safe to print: "ntfy topic at https://ntfy.sh/…". */
  display: string;
}

const PREFIXED = /^(ntfy|json)\+(https?):/i;

/** A destination, or what is wrong with the URL (in words that never repeat its secrets). */
export function parseNotifyUrl(raw: string): NotifyDestination | { problem: string } {
  const prefixed = PREFIXED.exec(raw.trim());
  const text = prefixed ? raw.trim().slice(prefixed[1]!.length + 1) : raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'is not a URL (expected https://ntfy.sh/TOPIC, ntfy+https://HOST/TOPIC or an https:// webhook)' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `must be an http(s) URL, optionally prefixed ntfy+ or json+ (got a ${url.protocol.replace(/:$/, '')}: URL)` };
  }
  const format: NotifyFormat = prefixed ? (prefixed[1]!.toLowerCase() as NotifyFormat) : url.hostname === 'ntfy.sh' ? 'ntfy' : 'json';
  if (format === 'ntfy' && url.pathname.replace(/\//g, '') === '') return { problem: `names no ntfy topic (expected ${url.protocol}//${url.host}/TOPIC)` };

  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const authorization =
    user === '' && password === ''
      ? undefined
      : user === ''
        ? `Bearer ${password}`
        : `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  const hidden = url.pathname !== '/' || url.search !== '' || url.hash !== '';
  const where = `${url.protocol}//${url.host}${hidden ? '/…' : '/'}`;
  return {
    format,
    url: url.toString(),
    ...(authorization ? { authorization } : {}),
    display: format === 'ntfy' ? `ntfy topic at ${where}` : `webhook at ${where}`,
  };
}
