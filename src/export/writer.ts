import type { ExportedItem, ExportedPlaylist } from './library-stream.js';
import type { ExportedSubscription } from './subscriptions.js';

export interface ExportHeader {
  exportedAt: string;
  account: { channelId: string; title: string | null } | null;
  includeRemoved: boolean;
}

/** A backup format: told about each playlist, then its items, in export order; then the subscriptions. */
export interface ExportWriter {
  begin(header: ExportHeader): Promise<void>;
  playlist(playlist: ExportedPlaylist): Promise<void>;
  item(item: ExportedItem): Promise<void>;
  /** False: the format leaves subscriptions out (the CSV: one row per playlist item). */
  readonly takesSubscriptions: boolean;
  subscriptions(list: ExportedSubscription[]): Promise<void>;
  end(): Promise<void>;
}
