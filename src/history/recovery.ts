/**
 * Where a person can look for a video YouTube no longer shows: the Wayback Machine's captures of
 * its watch page (title, description, sometimes the video itself), and Filmot, which indexes
 * titles and subtitles of deleted videos by id. Only links: ytsync never fetches them.
 */
export interface RecoveryLinks {
  wayback: string;
  filmot: string;
}

export function recoveryLinks(videoId: string): RecoveryLinks {
  // Video ids are [A-Za-z0-9_-]: safe in a URL as they are.
  return {
    wayback: `https://web.archive.org/web/*/https://www.youtube.com/watch?v=${videoId}`,
    filmot: `https://filmot.com/video/${videoId}`,
  };
}
