import type { ExportedItem, ExportedPlaylist } from './library-stream.js';

export interface ExportHeader {
  exportedAt: string;
  account: { channelId: string; title: string | null } | null;
  includeRemoved: boolean;
}

/** A backup format: told about each playlist, then its items, in export order. */
export interface ExportWriter {
  begin(header: ExportHeader): Promise<void>;
  playlist(playlist: ExportedPlaylist): Promise<void>;
  item(item: ExportedItem): Promise<void>;
  end(): Promise<void>;
}
