import type { ExportedItem, ExportedPlaylist } from './library-stream.js';
import type { ExportedSubscription } from './subscriptions.js';
import type { ExportHeader, ExportWriter } from './writer.js';
import type { ChunkedSink } from './sink.js';

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/**
 * One JSON document, written as it streams: the header and each playlist's fields pretty-printed,
 * one item per line (readable, grep-able, and `JSON.parse` gives the whole library back).
 */
export class JsonExportWriter implements ExportWriter {
  private playlists = 0;
  private itemsInPlaylist = 0;
  private subscriptionsWritten = false;
  private closed = false;
  readonly takesSubscriptions = true;

  constructor(private readonly sink: ChunkedSink) {}

  async begin(header: ExportHeader): Promise<void> {
    const fields = Object.entries({ format: 'ytsync-export', version: 1, ...header })
      .map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
      .join(',\n');
    await this.sink.write(`{\n${fields},\n  "playlists": [`);
  }

  async playlist(p: ExportedPlaylist): Promise<void> {
    await this.closePlaylist();
    const fields = {
      playlistId: p.playlistId,
      kind: p.kind,
      title: p.title,
      description: p.description,
      privacyStatus: p.privacyStatus,
      publishedAt: iso(p.publishedAt),
      firstSeen: iso(p.firstSeen),
      removedAt: iso(p.removedAt),
      url: p.kind === 'likes' ? 'https://www.youtube.com/playlist?list=LL' : `https://www.youtube.com/playlist?list=${p.playlistId}`,
      itemCount: p.items,
    };
    const body = Object.entries(fields)
      .map(([key, value]) => `      ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
      .join(',\n');
    await this.sink.write(`${this.playlists++ === 0 ? '' : ','}\n    {\n${body},\n      "items": [`);
    this.itemsInPlaylist = 0;
  }

  async item(i: ExportedItem): Promise<void> {
    const row = {
      position: i.position,
      itemId: i.itemId,
      videoId: i.videoId,
      url: `https://www.youtube.com/watch?v=${i.videoId}`,
      title: i.title,
      channelTitle: i.channelTitle,
      channelId: i.channelId,
      durationSeconds: i.durationSeconds,
      publishedAt: iso(i.publishedAt),
      addedAt: iso(i.addedAt),
      firstSeen: iso(i.firstSeen),
      removedAt: iso(i.removedAt),
      availability: i.availability,
      unavailableSince: iso(i.unavailableSince),
      privacyStatus: i.privacyStatus,
      description: i.description,
    };
    await this.sink.write(`${this.itemsInPlaylist++ === 0 ? '' : ','}\n        ${JSON.stringify(row)}`);
  }

  /** After the playlists: `"subscriptions": [...]`, one per line, with the channel's page and its RSS feed. */
  async subscriptions(list: ExportedSubscription[]): Promise<void> {
    await this.closePlaylists();
    const rows = list.map((s) =>
      JSON.stringify({
        channelId: s.channelId,
        title: s.title,
        url: `https://www.youtube.com/channel/${s.channelId}`,
        feedUrl: `https://www.youtube.com/feeds/videos.xml?channel_id=${s.channelId}`,
        subscribedAt: iso(s.subscribedAt),
        firstSeen: iso(s.firstSeen),
        removedAt: iso(s.removedAt),
        thumbnailUrl: s.thumbnailUrl,
        description: s.description,
      }),
    );
    await this.sink.write(`,\n  "subscriptions": [${rows.map((r) => `\n    ${r}`).join(',')}${rows.length ? '\n  ' : ''}]`);
    this.subscriptionsWritten = true;
  }

  async end(): Promise<void> {
    if (!this.subscriptionsWritten) await this.closePlaylists();
    await this.sink.write('\n}\n');
    await this.sink.flush();
  }

  private async closePlaylists(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.closePlaylist();
    await this.sink.write(`${this.playlists === 0 ? '' : '\n  '}]`);
  }

  private async closePlaylist(): Promise<void> {
    if (this.playlists === 0) return;
    await this.sink.write(`${this.itemsInPlaylist === 0 ? '' : '\n      '}]\n    }`);
  }
}
