import type { PullSummary } from '../sync/pull.js';

const n = (value: number) => value.toLocaleString('en-US');

/** The summary line a person (or a cron log) reads after a pull. */
export function formatPullSummary(summary: PullSummary, quota: { usedToday: number; dailyLimit: number }): string {
  const { counts, changes } = summary;
  const left = Math.max(0, quota.dailyLimit - quota.usedToday);
  const changed =
    changes.playlistsAdded + changes.playlistsRemoved + changes.itemsChanged + changes.itemsRemoved + changes.videosUpdated + changes.videosUnavailable +
    changes.subscriptionsGained + changes.subscriptionsLost + changes.subscriptionsChanged;
  const changeText =
    changed === 0
      ? 'no changes'
      : [
          changes.playlistsAdded && `+${n(changes.playlistsAdded)} playlists`,
          changes.playlistsRemoved && `-${n(changes.playlistsRemoved)} playlists`,
          changes.itemsChanged && `${n(changes.itemsChanged)} items added/moved`,
          changes.itemsRemoved && `${n(changes.itemsRemoved)} items removed`,
          changes.videosUpdated && `${n(changes.videosUpdated)} videos updated`,
          changes.videosUnavailable && `${n(changes.videosUnavailable)} videos became unavailable`,
          changes.subscriptionsGained && `+${n(changes.subscriptionsGained)} subscriptions`,
          changes.subscriptionsLost && `-${n(changes.subscriptionsLost)} subscriptions`,
          changes.subscriptionsChanged && `${n(changes.subscriptionsChanged)} subscribed channels changed`,
        ]
          .filter(Boolean)
          .join(', ');
  return (
    `pull ${summary.outcome}: ${n(counts.playlists)} playlists, ${n(counts.items)} items, ${n(counts.videos)} videos ` +
    `(${n(counts.unavailableVideos)} unavailable, ${n(counts.removedItems)} removed items), ${n(counts.subscriptions)} subscriptions; ${changeText}; ` +
    `${n(summary.unitsSpent)} units spent, ${n(left)} of ${n(quota.dailyLimit)} left today`
  );
}
